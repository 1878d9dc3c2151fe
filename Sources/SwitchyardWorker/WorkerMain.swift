import Foundation
import Logging
import NIOCore
import NIOPosix
import SwitchyardLogging
import SwitchyardCore
import SwitchyardProtocol
import SwitchyardStore

#if canImport(Glibc)
import Glibc
#endif

/// Environment a supervisor sets for each worker it spawns (never set by hand).
public enum WorkerEnvironment {
    /// The per-spawn secret the worker presents in `hello`.
    public static let token = "SWITCHYARD_WORKER_TOKEN"
    /// Path of `<state-dir>/workers.sock`.
    public static let socket = "SWITCHYARD_WORKER_SOCKET"
    /// The generation number the supervisor gave this spawn.
    public static let generation = "SWITCHYARD_WORKER_GENERATION"
    /// `<state-dir>/pending/`, where refresh results are journaled.
    public static let pendingDirectory = "SWITCHYARD_PENDING_DIR"
    /// The log file to reopen on SIGUSR1 (unset in the foreground).
    public static let logFile = "SWITCHYARD_LOG_FILE"
}

/// A worker process: `switchyard worker --provider NAME`, started by the supervisor with the
/// provider's listening socket as standard input (the inetd convention, NOTES-swift.md).
public enum WorkerMain {
    /// Runs Swift concurrency's jobs on NIO's event loops, which the worker starts anyway for
    /// its supervisor connection, instead of a second pool of threads (client requests run on
    /// libcurl's loops, `LoopFront`). Only for the worker process, whose tasks never block
    /// (blocking work goes to Dispatch queues). Call it first thing, on the main thread.
    public static func prepareProcess() {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    public static func run(provider: String) async -> Int32 {
        // getenv, not ProcessInfo: Foundation's process info would map its code into every
        // worker for a few variables (docs/memory.md).
        let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
        LogDestination.bootstrap(level: .info, format: .text)
        let logger = Logger(label: "worker.\(provider)")
        guard let token = environment(WorkerEnvironment.token),
              let socketPath = environment(WorkerEnvironment.socket)
        else {
            logger.error("the worker mode is started by the supervisor only")
            return 2
        }
        guard let listenFD = takeInheritedListener() else {
            logger.error("standard input is not a listening socket")
            return 2
        }
        signal(SIGPIPE, SIG_IGN)
        let generation = Int(environment(WorkerEnvironment.generation) ?? "") ?? 0
        let link: SupervisorLink
        do {
            link = try await SupervisorLink.connect(path: socketPath, logger: logger)
        } catch {
            logger.error("cannot connect to the supervisor", metadata: ["socket": "\(socketPath)", "error": "\(error)"])
            return 1
        }
        guard let knownProvider = Provider(rawValue: provider) else {
            logger.error("unknown provider")
            return 2
        }
        let pending = environment(WorkerEnvironment.pendingDirectory)
            ?? String(socketPath[..<(socketPath.lastIndex(of: "/") ?? socketPath.startIndex)]) + "/pending"
        let runtime = WorkerRuntime(
            provider: knownProvider, generation: generation, listenFD: listenFD, link: link,
            journal: PendingJournal(directory: pending), logger: logger)
        installSignalHandlers(runtime: runtime, logFile: environment(WorkerEnvironment.logFile))
        link.send(.hello(.init(
            provider: provider, pid: getpid(), protocol: WireCodec.protocolVersion, token: token, generation: generation)))
        return await runtime.run()
    }

    /// Moves the inherited listening socket off fd 0 (so nothing mistakes it for input) and
    /// marks it close-on-exec. Returns nil when fd 0 is not a socket.
    private static func takeInheritedListener() -> Int32? {
        var info = stat()
        guard fstat(0, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return nil }
        let fd = fcntl(0, F_DUPFD_CLOEXEC, 3)
        guard fd >= 0 else { return nil }
        let devNull = open("/dev/null", O_RDONLY)
        if devNull >= 0 {
            dup2(devNull, 0)
            close(devNull)
        }
        return fd
    }

    private static func installSignalHandlers(runtime: WorkerRuntime, logFile: String?) {
        // Ctrl-C at a terminal goes to the supervisor's process group, not ours; a stray
        // SIGINT must not cut streams short. SIGTERM (the supervisor's escalation) drains.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGUSR1, SIG_IGN)
        let term = DispatchSource.makeSignalSource(signal: SIGTERM)
        term.setEventHandler { Task { await runtime.supervisorLost(reason: "SIGTERM") } }
        term.resume()
        let usr1 = DispatchSource.makeSignalSource(signal: SIGUSR1)
        usr1.setEventHandler {
            if let logFile { LogDestination.redirect(toFile: logFile) }
        }
        usr1.resume()
        signalSources = [term, usr1]
    }

    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
}
