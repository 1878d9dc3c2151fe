import Logging
import SwitchyardCurl

#if canImport(Glibc)
import Glibc
#endif

/// One loop's side of a `LoopFront`: its watch on the listening socket, its open
/// connections, its part of the drain. Touched only on that loop's thread.
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
    private(set) var quiescing = false
    private var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    /// Where each read lands before it is appended to its connection's input.
    var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    /// `client.header-timeout` and `client.idle-timeout`, read once per sweep (live keys).
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

    var openCount: Int { connections.count }

    /// Watches the listening socket (made non-blocking by `LoopFront`); of the loops that
    /// watch it, one is woken per connection.
    func startListening() {
        guard !listening else { return }
        listening = true
        CurlLoop.current?.watch(listenFD, reading: true, writing: false, exclusive: true, handler: self)
    }

    /// Stops watching the listening socket (`LoopFront` closes it once no loop does).
    func stopListening() {
        if listening { CurlLoop.current?.unwatch(listenFD) }
        listening = false
    }

    // MARK: - Accepting

    func ready(_ fd: Int32, events: CurlLoopEvents) {
        guard listening else { return }
        let now = ContinuousClock.now
        // A small batch per wake-up: a flood of connections must not starve the open ones, and
        // what is left wakes another loop.
        for _ in 0..<8 {
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
            let connection = LoopConnection(fd: client, front: self)
            connections[ObjectIdentifier(connection)] = connection
            connection.open(now: now)
        }
    }

    func removed(_ connection: LoopConnection) {
        connections[ObjectIdentifier(connection)] = nil
        if connections.isEmpty, !emptyWaiters.isEmpty {
            let waiters = emptyWaiters
            emptyWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    // MARK: - Limits and drain

    private func refreshTimeouts() {
        headerTimeout = .nanoseconds(settings.headerTimeout.nanoseconds)
        idleTimeout = .nanoseconds(settings.clientIdleTimeout.nanoseconds)
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
