import Logging
import SwitchyardCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP front on libcurl's loops (docs/single-loop-worker.md): the listening
/// socket and every client connection are watched by the epoll that drives the upstream
/// transfers, and a proxied request's task runs there too — no thread hand-off per request.
/// One loop per `CurlMultiClient` given; the first accepts and deals the connections out to
/// all loops in turn, and each serves its own.
///
/// Lifecycle (SPEC §1 hand-over): the socket is held but not served until `startAccepting`
/// (two processes must never accept on one socket at once); `stopAccepting` closes this
/// process's copy of the socket — connections that arrive afterwards wait in the kernel
/// backlog for the next generation — while requests already being read run to completion;
/// `drain` asks them to finish and waits for them, up to a deadline. Each step hops to every
/// loop in turn. All three are called from the worker's single control task, one at a time.
final class LoopFront: @unchecked Sendable {
    private let listenFD: Int32
    private let clients: [CurlMultiClient]
    private let responder: ProxyResponder
    private let settings: ProxySettingsBox
    private let logger: Logger
    /// One per client, created on its loop by `startAccepting`; opened there only.
    private var states: [LoopBound<LoopFrontState>] = []
    private var socketClosed = false

    /// How often a loop with connections checks their time limits: a limit fires at most
    /// this late.
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
        }
        let peers = zip(states, clients).map { (state: $0, executor: $1.executor) }
        let acceptor = states[0]
        _ = try await Self.on(clients[0]) {
            acceptor.value.peers = peers
            acceptor.value.startListening()
        }
        logger.info("serving clients on libcurl's loops", metadata: ["loops": "\(clients.count)"])
    }

    /// Closes this process's copy of the listening socket; returns once it is closed.
    func stopAccepting() async {
        guard !socketClosed else { return }
        socketClosed = true
        if let acceptor = states.first {
            _ = try? await Self.on(clients[0]) { acceptor.value.stopListening() }
        }
        // The acceptor no longer watches it: closing it cannot pull it out from under a wait.
        close(listenFD)
    }

    /// Stops accepting, asks every connection to close after its current request, and waits
    /// until all have closed or `deadline` passed. Returns whether everything finished in time.
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
        return finished
    }
}

/// Whether `work` finished before `deadline`. A race of the two: a task group would wait for
/// both, and a drain must not wait for connections past its deadline.
func finishes(before deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async -> Void) async -> Bool {
    await withCheckedContinuation { continuation in
        let resumed = OnceFlag()
        let finish: @Sendable (Bool) -> Void = { value in
            if resumed.claim() { continuation.resume(returning: value) }
        }
        Task {
            await work()
            finish(true)
        }
        Task {
            try? await Task.sleep(until: deadline)
            finish(false)
        }
    }
}

/// True for the first caller of `claim()` only.
final class OnceFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func claim() -> Bool { !flag.exchange(true, ordering: .acquiringAndReleasing) }
}
