import Foundation
import Subprocess
import SwitchyardCore
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// How one worker process is started: the supervisor's own executable in worker mode, in its
/// own process group (a terminal's Ctrl-C reaches only the supervisor), with the provider's
/// listening socket as standard input and the shared standard error.
///
/// swift-subprocess, not Foundation.Process: the latter passes a blocked signal mask to
/// children spawned from async code, and such workers would ignore SIGTERM (NOTES-swift.md).
struct WorkerLaunch: Sendable {
    let executablePath: String
    let provider: Provider
    let generation: Int
    let token: String
    let listenFD: Int32
    let workersSocket: String
    let pendingDirectory: String
    let logFile: String?

    /// Runs the worker until it exits; `onStart` gets its pid. Returns how it ended, as text.
    func run(onStart: @escaping @Sendable (Int32) async -> Void) async -> String {
        var options = PlatformOptions()
        options.processGroupID = 0
        var environment: [Environment.Key: String?] = [
            "SWITCHYARD_WORKER_TOKEN": token,
            "SWITCHYARD_WORKER_SOCKET": workersSocket,
            "SWITCHYARD_WORKER_GENERATION": String(generation),
            "SWITCHYARD_PENDING_DIR": pendingDirectory,
        ]
        environment["SWITCHYARD_LOG_FILE"] = logFile
        do {
            let result = try await Subprocess.run(
                .path(FilePath(executablePath)),
                arguments: Arguments(executablePathOverride: "switchyard", remainingValues: ["worker", "--provider", provider.rawValue]),
                environment: .inherit.updating(environment),
                platformOptions: options,
                input: .fileDescriptor(FileDescriptor(rawValue: listenFD), closeAfterSpawningProcess: false),
                output: .discarded,
                error: .currentStandardError
            ) { execution in
                await onStart(execution.processIdentifier.value)
            }
            return result.terminationStatus.description
        } catch {
            return "spawn failed: \(error)"
        }
    }
}
