import ArgumentParser
import Foundation
import SwitchyardWorker

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "worker" {
    // Before anything else, on the main thread (the hook's own rule).
    WorkerMain.prepareProcess()
    // The supervisor's own form skips the argument parser: its reflection would map code
    // into every worker that nothing else there runs (docs/memory.md). Any other form of the
    // hidden command goes through the parser below, with its usage errors.
    if arguments.count == 3, arguments[1] == "--provider" { await runWorker(provider: arguments[2]) }
}

// Our own entry point instead of @main: SPEC §2 wants exit code 2 for usage errors, where
// swift-argument-parser would exit 64, and one-line messages for our own failures.
do {
    var command = try SwitchyardCommand.parseAsRoot()
    if var asyncCommand = command as? AsyncParsableCommand {
        try await runAsync(&asyncCommand)
    } else {
        try command.run()
    }
    exit(0)
} catch let error as CLIError {
    printError("switchyard: \(error)")
    exit(error.exitCode)
} catch {
    let code = SwitchyardCommand.exitCode(for: error)
    let message = SwitchyardCommand.fullMessage(for: error)
    if code == .success {
        print(message)
        exit(0)
    }
    if !message.isEmpty { printError(message) }
    exit(code == .validationFailure ? 2 : (code.rawValue == 0 ? 0 : 1))
}

/// Calls the async `run()`; at top level the compiler would pick the synchronous overload
/// (ParsableCommand's default, which prints help).
func runAsync(_ command: inout any AsyncParsableCommand) async throws {
    try await command.run()
}
