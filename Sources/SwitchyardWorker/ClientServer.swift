import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP front on the listening socket the supervisor handed over.
///
/// Lifecycle (SPEC §1 hand-over): the socket is held but not served until `startAccepting`
/// (two processes must never accept on one socket at once); `stopAccepting` closes this
/// process's copy of the socket — connections that arrive afterwards wait in the kernel
/// backlog for the next generation — while requests already being read run to completion;
/// `drain` waits for them, up to a deadline.
///
/// All methods are called from the worker's single control task, one at a time.
final class ClientServer: @unchecked Sendable {
    private let listenFD: Int32
    private let responder: HTTPChannelHandler.Responder
    private let idleTimeout: TimeAmount?
    private let logger: Logger
    private var serverChannel: (any Channel)?
    private var quiescing: ServerQuiescingHelper?
    private var allClosed: EventLoopFuture<Void>?
    private var socketClosed = false

    init(listenFD: Int32, idleTimeout: TimeAmount?, logger: Logger, responder: @escaping HTTPChannelHandler.Responder) {
        self.listenFD = listenFD
        self.idleTimeout = idleTimeout
        self.logger = logger
        self.responder = responder
    }

    var isAccepting: Bool { serverChannel != nil && allClosed == nil }

    func startAccepting() async throws {
        guard serverChannel == nil, !socketClosed else { return }
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let childSetup = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout))
        let logger = self.logger
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .bind(listenFD, serverBackPressureStrategy: nil) { channel in
                childSetup.setup(channel: channel, logger: logger)
            }
        self.serverChannel = server.channel
        self.quiescing = quiescing
        Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await child in inbound {
                            group.addTask { await childSetup.handle(value: child, logger: logger) }
                        }
                    }
                } catch {
                    logger.debug("accept loop ended", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Closes this process's copy of the listening socket. Returns once it is closed.
    func stopAccepting() async {
        if let serverChannel, let quiescing, allClosed == nil {
            let promise = serverChannel.eventLoop.makePromise(of: Void.self)
            quiescing.initiateShutdown(promise: promise)
            allClosed = promise.futureResult
            try? await serverChannel.closeFuture.get()
        } else if serverChannel == nil, !socketClosed {
            close(listenFD)
        }
        socketClosed = true
    }

    /// Stops accepting, then waits until every open connection has finished its request and
    /// closed, or until `deadline`. Returns whether everything finished in time.
    func drain(until deadline: ContinuousClock.Instant) async -> Bool {
        await stopAccepting()
        guard let allClosed else { return true }
        // A race of the close future against the clock; a task group would wait for both.
        return await withCheckedContinuation { continuation in
            let resumed = OnceFlag()
            let finish: @Sendable (Bool) -> Void = { value in
                if resumed.claim() {
                    continuation.resume(returning: value)
                }
            }
            allClosed.whenComplete { _ in finish(true) }
            Task {
                try? await Task.sleep(until: deadline)
                finish(false)
            }
        }
    }
}

/// True for the first caller of `claim()` only.
final class OnceFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func claim() -> Bool { !flag.exchange(true, ordering: .acquiringAndReleasing) }
}
