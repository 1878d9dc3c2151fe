import ArgumentParser

/// `switchyard` — a pool of OAuth subscription accounts serving API clients.
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Keeps a pool of Claude, Codex and Gemini subscription accounts serving API clients.",
        subcommands: [
            StartCommand.self, StopCommand.self, StatusCommand.self, ReloadCommand.self,
            ConfigCommand.self, WorkersCommand.self, AccountsCommand.self, WorkerModeCommand.self,
        ])
}
