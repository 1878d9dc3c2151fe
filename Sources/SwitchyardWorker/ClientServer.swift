import HTTPTypes
import HummingbirdCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP front on NIO's event loops (`ClientFront` says the lifecycle).
final class ClientServer: ClientFront, @unchecked Sendable {
    private let listenFD: Int32
    private let responder: ProxyResponder
    private let logger: Logger
    private let connections = ConnectionTracker()
    private let headerTimeout: @Sendable () -> TimeAmount
    private let idleTimeout: @Sendable () -> TimeAmount
    private var serverChannel: (any Channel)?
    private var socketClosed = false

    init(
        listenFD: Int32, logger: Logger, headerTimeout: @escaping @Sendable () -> TimeAmount,
        idleTimeout: @escaping @Sendable () -> TimeAmount,
        responder: ProxyResponder
    ) {
        self.listenFD = listenFD
        self.logger = logger
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.responder = responder
    }

    /// Starts serving. Each connection is set up with the timeouts in force when it opens
    /// (`client.header-timeout`, `client.idle-timeout`: both live keys).
    func startAccepting() async throws {
        guard serverChannel == nil, !socketClosed else { return }
        let responder = self.responder
        let idleTimeout = self.idleTimeout
        let logger = self.logger
        let connections = self.connections
        let headerTimeout = self.headerTimeout
        // Each connection gets its handler task from the child initializer, not from an
        // async sequence of accepted channels: connections still buffered in such a sequence
        // when the server channel closes (stop_accepting) would never be read, and would be
        // reset at exit — a failed request during a hand-over.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            // Streamed events go out as they come: never held back waiting for an ACK.
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(connections.makeAcceptedHandler())
                }
            }
            .childChannelInitializer { channel in
                let hangUp = HangUpWatch()
                let idle = idleTimeout()
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    // First, ahead of the HTTP decoder: they see a head's bytes arrive, and the
                    // client's end of input whatever the HTTP handlers make of it.
                    try pipeline.addHandler(RawReadWatch(timeout: headerTimeout()))
                    try pipeline.addHandler(HangUpHandler(watch: hangUp))
                    try pipeline.addHandler(WriteStallGuard(limit: idle, logger: logger))
                    // Then what Hummingbird's `HTTP1Channel` sets up (the same codec, limits and
                    // connection-state handler), with `ClientRequestHandler` at the end in place
                    // of its per-connection task.
                    var limits = NIOHTTPDecoderLimitConfiguration()
                    limits.maxHeaderFieldSize = 80 * 1024
                    limits.maxHeaderListSize = 80 * 1024
                    limits.maxHeaderFieldCount = 1000
                    try pipeline.configureHTTPServerPipeline(
                        withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                    try pipeline.addHandler(HTTP10Close())
                    try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try pipeline.addHandlers([QuiesceGraceHandler(), RequestPhaseWatch()])
                    try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: .init(idle), logger: logger))
                    try pipeline.addHandler(ClientRequestHandler(responder: responder, hangUp: hangUp, logger: logger))
                }
            }
            .withBoundSocket(listenFD)
            .get()
        // Reading starts only once the set-up tracker sits behind NIO's accept handler.
        try await server.eventLoop.submit {
            try server.pipeline.syncOperations.addHandler(connections.makeSetUpHandler())
            server.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in server.close(promise: nil) }
        }.get()
        self.serverChannel = server
    }

    /// Closes this process's copy of the listening socket; returns once it is closed.
    /// Connections already accepted keep being served.
    func stopAccepting() async {
        guard !socketClosed else { return }
        socketClosed = true
        if let serverChannel {
            await connections.closeWhenSettled(serverChannel)
        } else {
            close(listenFD)
        }
    }

    /// Stops accepting, asks every connection to close after its current request, and waits
    /// until all have closed or `deadline` passed. Returns whether everything finished in time.
    func drain(until deadline: ContinuousClock.Instant) async -> Bool {
        await stopAccepting()
        logger.debug("draining connections", metadata: ["open": "\(connections.openCount)"])
        connections.quiesceAll()
        let connections = self.connections
        return await finishes(before: deadline) { await connections.waitUntilEmpty() }
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
