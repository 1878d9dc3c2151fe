import Logging
import SwitchyardCurl

#if canImport(Glibc)
import Glibc
#endif

/// One loop's side of a `LoopFront`: its open connections and its part of the drain; on the
/// first loop also the listening socket, whose connections it deals out to all loops in turn.
/// Touched only on that loop's thread.
///
/// Why one acceptor dealing out rather than every loop accepting: with one listening socket
/// (the supervisor's), a loop that is awake finds it ready first and takes every connection
/// of a burst, `EPOLLEXCLUSIVE` or not — measured: all 32 of wrk's connections on one loop in
/// one run out of three, the other loop idle.
final class LoopFrontState: CurlLoopHandler {
    let responder: ProxyResponder
    let logger: Logger
    /// The client whose loop this is: its transfers, its executor.
    let curl: CurlMultiClient
    var executor: CurlLoopExecutor { curl.executor }
    private let listenFD: Int32
    private let settings: ProxySettingsBox
    private var connections: [ObjectIdentifier: LoopConnection] = [:]
    private var listening = false
    /// Every loop's state (this one's included), set on the acceptor; connections go to them
    /// in turn.
    var peers: [(state: LoopBound<LoopFrontState>, executor: CurlLoopExecutor)] = []
    private var nextPeer = 0
    private(set) var quiescing = false
    private var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    /// Where each read lands before it is appended to its connection's input.
    var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    /// `client.header-timeout` and `client.idle-timeout`, read once per sweep and when the
    /// first connection opens (live keys).
    private(set) var headerTimeout = Duration.seconds(30)
    private(set) var idleTimeout = Duration.seconds(300)

    init(listenFD: Int32, responder: ProxyResponder, settings: ProxySettingsBox, curl: CurlMultiClient, logger: Logger) {
        self.listenFD = listenFD
        self.responder = responder
        self.settings = settings
        self.curl = curl
        self.logger = logger
        refreshTimeouts()
    }

    /// Watches the listening socket (made non-blocking by `LoopFront`).
    func startListening() {
        guard !listening else { return }
        listening = true
        CurlLoop.current?.watch(listenFD, reading: true, writing: false, handler: self)
    }

    /// Stops watching the listening socket (`LoopFront` closes it).
    func stopListening() {
        if listening { CurlLoop.current?.unwatch(listenFD) }
        listening = false
    }

    // MARK: - Accepting

    func ready(_ fd: Int32, events: CurlLoopEvents) {
        guard listening else { return }
        let now = ContinuousClock.now
        // A bounded batch per turn: a flood of connections must not starve the open ones.
        for _ in 0..<64 {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN, errno != EWOULDBLOCK {
                    logger.warning("accept failed", metadata: ["errno": "\(errno)"])
                }
                return
            }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            // Streamed events go out as they come: never held back waiting for an ACK.
            var one: Int32 = 1
            _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            deal(client, now: now)
        }
    }

    /// Gives a new connection to the next loop in turn (this one, or another through its
    /// executor: one job per connection, none per request).
    private func deal(_ client: Int32, now: ContinuousClock.Instant) {
        guard peers.count > 1 else { return adopt(client, now: now) }
        let peer = peers[nextPeer]
        nextPeer = (nextPeer + 1) % peers.count
        if peer.executor === executor { return adopt(client, now: now) }
        let state = peer.state
        Task(executorPreference: peer.executor) { state.value.adopt(client, now: .now) }
    }

    /// Serves `client` on this loop.
    func adopt(_ client: Int32, now: ContinuousClock.Instant) {
        if connections.isEmpty { startSweeping() }
        let connection = LoopConnection(fd: client, front: self)
        connections[ObjectIdentifier(connection)] = connection
        connection.open(now: now)
        // Handed over while the drain began: it gets the same grace as the others.
        if quiescing { connection.quiesce(now: now) }
    }

    func removed(_ connection: LoopConnection) {
        connections[ObjectIdentifier(connection)] = nil
        guard connections.isEmpty else { return }
        CurlLoop.current?.stopTicking()
        let waiters = emptyWaiters
        emptyWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Limits and drain

    private func refreshTimeouts() {
        headerTimeout = settings.headerTimeout
        idleTimeout = settings.clientIdleTimeout
    }

    /// Sweeps while this loop has connections, on the loop's own clock: a loop without any
    /// wakes for nothing (`CurlLoop.tick`). The timeouts are read afresh first, so a
    /// connection opened after a reload gets the new ones.
    private func startSweeping() {
        refreshTimeouts()
        CurlLoop.current?.tick(every: LoopFront.sweepInterval) { [weak self] in self?.sweep() }
    }

    /// Applies the time limits to every connection.
    func sweep() {
        refreshTimeouts()
        let now = ContinuousClock.now
        for connection in Array(connections.values) { connection.tick(now: now) }
    }

    func quiesceAll() {
        quiescing = true
        let now = ContinuousClock.now
        for connection in Array(connections.values) { connection.quiesce(now: now) }
    }

    func waitUntilEmpty() async {
        guard !connections.isEmpty else { return }
        await withCheckedContinuation { emptyWaiters.append($0) }
    }
}

enum LoopFrontError: Error, CustomStringConvertible {
    case socket(Int32)
    var description: String {
        switch self {
        case .socket(let code): "cannot use the listening socket: \(String(cString: strerror(code)))"
        }
    }
}
