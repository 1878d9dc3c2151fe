import Foundation
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardCurl
import SwitchyardLogging
import SwitchyardProtocol
import SwitchyardStore

#if canImport(Glibc)
import Glibc
#endif

/// The worker's control state: its config, its pool and its listening socket, driven by the
/// supervisor's messages one at a time (SPEC §1, docs/protocol.md).
actor WorkerRuntime {
    private let provider: Provider
    private let generation: Int
    private let link: SupervisorLink
    private let calls: UpstreamCalls
    private let logger: Logger
    private let server: LoopFront
    private let routing: RoutingTable
    private let proxySettings: ProxySettingsBox
    private let curl: CurlMultiClient
    private var pool: WorkerPool
    private var config: WorkerConfig?
    private var readySent = false
    private var unknownMessages = UnknownMessageCounter()
    /// Set once the worker drains; the task ends with the process.
    private var draining: Task<Void, Never>?

    init(provider: Provider, generation: Int, listenFD: Int32, link: SupervisorLink, journal: PendingJournal, logger: Logger) {
        self.provider = provider
        self.generation = generation
        self.link = link
        self.logger = logger
        self.calls = UpstreamCalls(provider: provider, journal: journal, link: link, logger: logger)
        let routing = RoutingTable()
        let proxySettings = ProxySettingsBox()
        // No HTTP/2 multiplexing on the data path: a paused stream sharing a connection would
        // keep receiving into libcurl's memory (up to its 32 MiB window), so a slow client
        // could grow the worker; on its own connection a pause reaches the upstream at once.
        let curl = CurlMultiClient(name: "curl-data", multiplexing: false)
        let responder = ProxyResponder(
            provider: provider, generation: generation, pid: getpid(), routing: routing, settings: proxySettings,
            upstream: ProxyUpstream(curl: curl, link: link, routing: routing, logger: logger), logger: logger)
        self.routing = routing
        self.proxySettings = proxySettings
        self.curl = curl
        self.pool = WorkerPool(routing: routing)
        // The front on libcurl's loops (docs/single-loop-worker.md), one loop per core (at
        // most four): the first accepts, and each serves the connections dealt to it.
        let loops = max(1, min(4, Self.usableProcessors()))
        let clients = [curl] + (1..<loops).map { CurlMultiClient(name: "curl-data-\($0)", multiplexing: false) }
        self.server = LoopFront(listenFD: listenFD, clients: clients, responder: responder, settings: proxySettings, logger: logger)
    }

    /// The processors this process may run on (its affinity mask, as `taskset` or a cgroup's
    /// cpuset leaves it: `Cpus_allowed` in /proc/self/status), else the online ones; at least 1.
    /// Read from the kernel, not Foundation's process info, which would map its code into every
    /// worker for one number (docs/memory.md); glibc's `sched_getaffinity` is not exported to Swift.
    static func usableProcessors() -> Int {
        let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        guard let file = fopen("/proc/self/status", "r") else { return online }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(cString: line)
            guard text.hasPrefix("Cpus_allowed:") else { continue }
            // A hex mask in comma-separated groups: "00000000,00000003".
            let bits = text.dropFirst("Cpus_allowed:".count).reduce(0) { count, digit in
                count + (digit.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            return bits > 0 ? min(bits, online) : online
        }
        return online
    }

    /// Handles messages until the supervisor connection ends; returns the exit code.
    func run() async -> Int32 {
        for await message in link.messages {
            await handle(message)
        }
        await supervisorLost(reason: "end of file on workers.sock")
        return 0
    }

    private func handle(_ message: SupervisorMessage) async {
        switch message {
        case .config(let newConfig):
            config = newConfig
            proxySettings.replace(ProxySettings(provider: provider, config: newConfig))
            routing.configure(
                strategy: SelectionStrategy(rawValue: newConfig.selection) ?? .roundRobin,
                sessionAffinitySeconds: newConfig.sessionAffinityMs / 1000)
            LogDestination.configure(
                level: Logger.Level(configName: newConfig.logLevel) ?? .info,
                format: LineLogHandler.Format(rawValue: newConfig.logFormat) ?? .text)
        case .poolReset(let total):
            pool.reset(total: total)
        case .poolUpsert(let accounts):
            pool.upsert(accounts)
        case .poolRemove(let ids):
            pool.remove(ids)
        case .accept:
            guard draining == nil else { return }  // a draining worker never serves again
            await accept()
        case .stopAccepting:
            guard draining == nil else { return }  // the drain has closed the socket already
            await server.stopAccepting()
            logger.info("stopped accepting")
            link.send(.acceptingStopped)
        case .drain:
            // Not awaited: while streams finish, pings must still be answered (else the
            // supervisor takes the worker for hung), and pool updates and refresh acks applied.
            startDrain(reason: "drain requested")
        case .ping(let seq):
            link.send(.pong(seq: seq))
        case .refresh(let request):
            guard let config else { return }
            Task { [calls] in await calls.refresh(request, config: config) }
        case .refreshAck(let requestID):
            // Off the actor: the removal is a system call, and the next messages must not wait.
            Task { [calls] in await calls.acknowledged(requestID) }
        case .quota(let request):
            guard let config else { return }
            let account = routing.account(request.accountID)
            Task { [calls] in await calls.quota(request, account: account, config: config) }
        case .unknown(let type):
            let count = unknownMessages.record(type)
            if count == 1 {
                logger.warning("ignoring an unknown supervisor message type (a newer supervisor?); further ones are counted",
                               metadata: ["type": "\(type)"])
            } else {
                logger.debug("ignoring unknown message", metadata: ["type": "\(type)", "count": "\(count)"])
            }
        }
        if !readySent, config != nil, pool.isComplete {
            readySent = true
            logger.info("ready", metadata: ["accounts": "\(pool.count)", "generation": "\(generation)"])
            link.send(.ready)
        }
    }

    private func accept() async {
        do {
            try await server.startAccepting()
            logger.info("accepting")
            link.send(.accepting)
        } catch {
            logger.error("cannot serve on the inherited socket", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// SPEC §1: a worker whose supervisor is gone closes its listening socket at once (so a
    /// new supervisor can bind the port), finishes in-flight requests and exits.
    func supervisorLost(reason: String) async {
        await startDrain(reason: reason).value
    }

    /// Starts the drain once; later calls get the same task.
    @discardableResult
    private func startDrain(reason: String) -> Task<Void, Never> {
        if let draining { return draining }
        let task = Task { await self.drainAndExit(reason: reason) }
        draining = task
        return task
    }

    private func drainAndExit(reason: String) async {
        logger.info("draining", metadata: ["reason": "\(reason)"])
        let timeout = Duration.milliseconds(config?.drainTimeoutMs ?? 30_000)
        let deadline = ContinuousClock.now + timeout
        let finished = await server.drain(until: deadline)
        if !finished { logger.warning("drain timeout reached; closing the remaining connections") }
        // Refresh calls in flight finish too: their results go to pending/ for the next supervisor.
        calls.close()
        while calls.callsInFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if calls.callsInFlight == 0 { calls.removeSpares() }
        logger.info("exiting")
        await link.written()
        exit(0)
    }
}
