import ArgumentParser
import Foundation
import Subprocess
import SwitchyardConfig
import SwitchyardCore
import SwitchyardSupervisor
import SwitchyardWorker
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start the supervisor (in the foreground unless --daemon).")

    @Flag(help: "Detach, log to <state-dir>/switchyard.log, and return once every worker is ready.")
    var daemon = false

    @Flag(help: .hidden)
    var daemonChild = false

    @OptionGroup var options: ConfigOption

    func run() async throws {
        if daemonChild {
            resetNice()
            writeProcessName("switchyard")
            Glibc.exit(await SupervisorMain.run(configPath: options.path, mode: .daemonChild))
        }
        if daemon { try await startDaemon() }
        Glibc.exit(await SupervisorMain.run(configPath: options.path, mode: .foreground))
    }

    /// Re-runs this executable detached (new session, stdin /dev/null) instead of fork(),
    /// which is unsafe once Swift's runtime threads exist (NOTES-swift.md). The child says
    /// `ready` or `error: …` on its stdout; this process exits 0 or 1 accordingly.
    private func startDaemon() async throws -> Never {
        let directory = options.stateDirectory
        if directory.isLocked() {
            throw CLIError.failure(directory.runningPID().map { "already running (pid \($0))" } ?? "already running")
        }
        var platform = PlatformOptions()
        platform.createSession = true
        let outcome = try await Subprocess.run(
            .path(FilePath("/proc/self/exe")),
            arguments: Arguments(executablePathOverride: "switchyard", remainingValues: ["start", "--daemon-child", "--config", options.path]),
            platformOptions: platform,
            input: .none,
            output: .sequence,
            error: .discarded
        ) { execution -> String? in
            for try await line in execution.standardOutput.strings() {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text == "ready" { Glibc.exit(0) }
                if text.hasPrefix("error: ") { return String(text.dropFirst(7)) }
            }
            return nil
        }
        // `run` has waited for the child to exit: a failed start leaves no lock holder, socket
        // or worker behind once this returns (SPEC §2), and a second start can follow at once.
        printError("switchyard: " + (outcome.closureResult ?? "the supervisor exited during start-up; see \(directory.logFile)"))
        Glibc.exit(1)
    }

    private func resetNice() {
        // A child spawned from a Dispatch thread inherits that thread's nice value.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 0)
    }
}

/// Names the process in `ps` (a child of /proc/self/exe would show as `exe`). With write(2),
/// not Foundation's file writing, which would map its code into every worker for this alone.
func writeProcessName(_ name: String) {
    let fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    var name = name
    _ = name.withUTF8 { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Drain the workers and stop the supervisor; returns once it has exited.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let directory = options.stateDirectory
        let answer = try options.request(.init(command: .stop))
        // The supervisor's running drain-timeout, not the file's: the file may have changed
        // or stopped parsing since it was last loaded. 30 s (the default) if the answer lacks it.
        let drain = answer?["drain_timeout_ms"]?.int64Value.map { Duration.milliseconds($0) } ?? .seconds(30)
        let deadline = ContinuousClock.now + drain + .seconds(10)
        // The lock, not the pid: it is released the moment the process is gone, while a
        // daemon whose parent exited may linger as a zombie until init reaps it.
        while ContinuousClock.now < deadline {
            if !directory.isLocked() { return }
            usleep(20_000)
        }
        throw CLIError.failure("the supervisor is still running after drain-timeout + 10 s")
    }
}

struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Re-read the config (as SIGHUP); a rejected file keeps the running config.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        _ = try options.request(.init(command: .reload))
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the config file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the config without applying it.")

        @OptionGroup var options: ConfigOption

        func run() throws {
            do {
                _ = try ConfigFile.load(path: options.path)
            } catch {
                throw CLIError.failure("\(options.path): \(error)")
            }
            print("\(options.path): ok")
        }
    }
}

struct WorkerModeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", shouldDisplay: false)

    @Option var provider: String

    func run() async throws {
        await runWorker(provider: provider)
    }
}

/// The worker mode, however it was reached (main.swift's fast path or the parser).
func runWorker(provider: String) async -> Never {
    writeProcessName("switchyard")
    Glibc.exit(await WorkerMain.run(provider: provider))
}
