import Foundation
import Logging
import SwitchyardConfig
import SwitchyardCore
import SwitchyardLogging
import SwitchyardStore

#if canImport(Glibc)
import Glibc
#endif

/// `switchyard start` in the process that becomes the supervisor (foreground, or the
/// detached child of `start --daemon`).
public enum SupervisorMain {
    /// How the process reports start-up: the daemon child tells its parent on stdout.
    public enum Mode: Sendable { case foreground, daemonChild }

    public static func run(configPath: String, mode: Mode) async -> Int32 {
        let signals = SignalRelay { reason in if mode == .daemonChild { report("error: \(reason)") } }
        umask(0o077)
        let config: SwitchyardConfig
        do {
            config = try ConfigFile.load(path: configPath)
        } catch {
            return fail(mode, "config rejected: \(error)")
        }
        let directory = StateDirectory(path: config.stateDir)
        var logFile: String?
        if mode == .daemonChild {
            do { try makeDirectory(directory.path) } catch { return fail(mode, "\(error)") }
            logFile = directory.logFile
            if let error = LogDestination.redirect(toFile: directory.logFile) {
                return fail(mode, "cannot open \(directory.logFile): \(error)")
            }
        }
        LogDestination.bootstrap(
            level: Logger.Level(configName: config.log.level.rawValue) ?? .info,
            format: LineLogHandler.Format(rawValue: config.log.format.rawValue) ?? .text)
        let logger = Logger(label: "supervisor")
        let lock: SupervisorLock
        do {
            lock = try SupervisorLock.acquire(directory)
            signals.ownPIDFile(directory.pidFile)
            try lock.writePIDFile(directory)
        } catch {
            return fail(mode, "\(error)")
        }
        logger.info("supervisor starting", metadata: ["pid": "\(getpid())"])
        if geteuid() == 0 { logger.warning("running as root; a dedicated user is safer") }
        let files = FileDescriptorLimit.raiseToHardLimit()
        if files.after < 4096 {
            logger.warning("the open-file limit is low: workers may refuse connections under load", metadata: ["limit": "\(files.after)"])
        }
        do {
            let supervisor = try await prepare(config: config, configPath: configPath, directory: directory, logFile: logFile)
            return await serve(supervisor, config: config, directory: directory, mode: mode, signals: signals, lock: lock, logger: logger)
        } catch {
            unlink(directory.pidFile)
            return fail(mode, "\(error)")
        }
    }

    /// Directories, store and listening sockets: everything that can fail before any worker runs.
    private static func prepare(config: SwitchyardConfig, configPath: String, directory: StateDirectory, logFile: String?) async throws -> Supervisor {
        try StoreBackend.checkAvailable(config)
        try FileAccountStore.ensureDirectory(config.accountsDir)
        try makeDirectory(directory.pendingDirectory)
        let store = FileAccountStore(directory: config.accountsDir, keepsSpares: true)
        await store.removeLeftoverSpares()
        let supervisor = Supervisor(
            configPath: configPath, config: config, directory: directory, store: store,
            executablePath: "/proc/self/exe", logFile: logFile)
        try await supervisor.loadAccounts()
        try await supervisor.recoverPendingResults()
        await supervisor.scheduleAllRefreshes()
        for provider in Provider.allCases {
            guard let settings = config.providers[provider], settings.enabled else { continue }
            let socket = try await ListeningSocket.bind(host: settings.listen.host, port: settings.listen.port)
            await supervisor.addSlot(provider, socket: socket)
        }
        return supervisor
    }

    private static func serve(_ supervisor: Supervisor, config: SwitchyardConfig, directory: StateDirectory,
                              mode: Mode, signals: SignalRelay, lock: SupervisorLock, logger: Logger) async -> Int32 {
        signals.attach(supervisor)
        var hub: UnixLineServer?
        var control: UnixLineServer?
        let management: ManagementServer.Running
        do {
            hub = try await WorkerHub.start(path: directory.workersSocket, supervisor: supervisor, logger: logger)
            control = try await ControlServer.start(path: directory.controlSocket, supervisor: supervisor, logger: logger)
            let listen = config.management.listen
            management = try await ManagementServer.start(
                host: listen.host, port: listen.port, supervisor: supervisor, logger: logger)
            await supervisor.setManagementAddress(management.address)
        } catch {
            await hub?.close()
            await control?.close()
            unlink(directory.pidFile)
            return fail(mode, "\(error)")
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await supervisor.tick()
            }
        }
        let watcher = Task { await supervisor.watchAccountsDirectory() }
        let refresher = Task { await supervisor.runRefreshLoop(wakeUps: supervisor.refreshWakeUps) }
        let (startFailure, exitCode) = await runUntilStop(supervisor, mode: mode, logger: logger)
        await supervisor.shutdown()
        await supervisor.store.removeSpares()
        ticker.cancel()
        watcher.cancel()
        refresher.cancel()
        await management.stop()
        await hub?.close()
        await control?.close()
        unlink(directory.pidFile)
        withExtendedLifetime((signals, lock)) {}
        logger.info("supervisor exited")
        // Only now: the waiting `start --daemon` returns on this line, and by then nothing of
        // this start may be left running (SPEC §2). The lock goes when the process exits.
        if let startFailure, mode == .daemonChild { report("error: \(startFailure)") }
        return exitCode
    }

    /// Starts the workers and, once all accept, serves until a stop is asked for. Returns why
    /// the start failed, if it did, and the exit code.
    private static func runUntilStop(_ supervisor: Supervisor, mode: Mode, logger: Logger) async -> (startFailure: String?, exitCode: Int32) {
        switch await supervisor.startWorkers() {
        case .success:
            logger.info("supervisor ready", metadata: ["pid": "\(getpid())"])
            if mode == .daemonChild { reportReady() }
            var reasons = supervisor.shutdownStream.makeAsyncIterator()
            let reason = await reasons.next() ?? "end"
            logger.info("stopping", metadata: ["reason": "\(reason)"])
            return (nil, 0)
        case .failure(let error):
            // A stop asked for while the workers started ends the start, and is still a stop.
            if let reason = await supervisor.stopReason {
                logger.info("stopping during start-up", metadata: ["reason": "\(reason)"])
                return ("stopped by \(reason) during start-up", 0)
            }
            logger.error("start failed: \(error)")
            return ("\(error)", 1)
        }
    }

    private static func fail(_ mode: Mode, _ reason: String) -> Int32 {
        if mode == .daemonChild {
            report("error: \(reason)")
        } else {
            LogDestination.write("switchyard: \(reason)\n")
        }
        return 1
    }

    /// The daemon child's one status line to its waiting parent; afterwards stdout points at
    /// /dev/null so a later stray write cannot SIGPIPE the daemon.
    static func report(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
        let devNull = open("/dev/null", O_WRONLY)
        if devNull >= 0 {
            dup2(devNull, 1)
            close(devNull)
        }
    }

    private static func reportReady() { report("ready") }
}
