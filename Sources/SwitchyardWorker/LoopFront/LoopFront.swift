import Logging
import SwitchyardCurl

#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP front on libcurl's loops (docs/single-loop-worker.md): the listening
/// socket and every client connection are watched by the epoll that drives the upstream
/// transfers, and a proxied request's task runs there too — no thread hand-off per request.
/// One loop per `CurlMultiClient` given; the first accepts and deals the connections out to
/// all loops in turn, and each serves its own. `ClientFront` says the lifecycle; each step hops to
/// every loop in turn.
final class LoopFront: ClientFront, @unchecked Sendable {
    private let listenFD: Int32
    private let clients: [CurlMultiClient]
    private let responder: ProxyResponder
    private let settings: ProxySettingsBox
    private let logger: Logger
    /// One per client, created on its loop by `startAccepting`; opened there only.
    private var states: [LoopBound<LoopFrontState>] = []
    private var sweepers: [Task<Void, Never>] = []
    private var socketClosed = false

    /// How often the time limits are checked: a limit fires at most this late.
    static let sweepInterval = Duration.milliseconds(100)

    init(listenFD: Int32, clients: [CurlMultiClient], responder: ProxyResponder, settings: ProxySettingsBox, logger: Logger) {
        precondition(!clients.isEmpty, "a loop front needs a loop")
        self.listenFD = listenFD
        self.clients = clients
        self.responder = responder
        self.settings = settings
        self.logger = logger
    }

    private static func on<T: Sendable>(_ client: CurlMultiClient, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Task(executorPreference: client.executor) { try body() }.value
    }

    func startAccepting() async throws {
        guard states.isEmpty, !socketClosed else { return }
        // NIO set the inherited socket non-blocking for its own accept loop; so must this one.
        let flags = fcntl(listenFD, F_GETFL)
        guard flags >= 0, fcntl(listenFD, F_SETFL, flags | O_NONBLOCK) == 0 else { throw LoopFrontError.socket(errno) }
        let (listenFD, responder, settings, logger) = (listenFD, responder, settings, logger)
        for client in clients {
            let state = try await Self.on(client) {
                LoopBound(LoopFrontState(listenFD: listenFD, responder: responder, settings: settings, curl: client, logger: logger))
            }
            states.append(state)
            sweepers.append(Task(executorPreference: client.executor) {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.sweepInterval)
                    state.value.sweep()
                }
            })
        }
        let peers = zip(states, clients).map { (state: $0, executor: $1.executor) }
        let acceptor = states[0]
        _ = try await Self.on(clients[0]) {
            acceptor.value.peers = peers
            acceptor.value.startListening()
        }
        logger.info("serving clients on libcurl's loops", metadata: ["loops": "\(clients.count)"])
    }

    func stopAccepting() async {
        guard !socketClosed else { return }
        socketClosed = true
        if let acceptor = states.first {
            _ = try? await Self.on(clients[0]) { acceptor.value.stopListening() }
        }
        // The acceptor no longer watches it: closing it cannot pull it out from under a wait.
        close(listenFD)
    }

    func drain(until deadline: ContinuousClock.Instant) async -> Bool {
        await stopAccepting()
        for (client, state) in zip(clients, states) {
            _ = try? await Self.on(client) { state.value.quiesceAll() }
        }
        let pairs = Array(zip(clients, states))
        let finished = await finishes(before: deadline) {
            for (client, state) in pairs {
                await Task(executorPreference: client.executor) { await state.value.waitUntilEmpty() }.value
            }
        }
        for sweeper in sweepers { sweeper.cancel() }
        return finished
    }
}
