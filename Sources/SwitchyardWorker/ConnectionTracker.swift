import NIOCore
import Synchronization

/// Knows every client connection this worker accepted, so that stopping to accept drops
/// none, and a drain can ask them to finish and learn when the last one closed.
///
/// Two NIO behaviours make this necessary (both reset a client during a hand-over):
/// - NIO closes an accepted connection whose set-up finishes after its server channel closed.
///   So the server channel is closed only at a moment when no accepted connection is still
///   being set up (`closeWhenSettled`): the accept path and that check both run on the server
///   channel's event loop, so no connection can slip between them.
/// - NIOExtras' `ServerQuiescingHelper` closes connections that arrive once it counted zero
///   open ones; here connections are asked to quiesce only after the server channel closed.
final class ConnectionTracker: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        /// Accepted, but NIO has not finished setting them up.
        var settingUp: Set<ObjectIdentifier> = []
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Goes into the server pipeline before NIO's accept handler.
    func makeAcceptedHandler() -> any ChannelHandler { AcceptedHandler(tracker: self) }
    /// Goes into the server pipeline after NIO's accept handler.
    func makeSetUpHandler() -> any ChannelHandler { SetUpHandler(tracker: self) }

    var openCount: Int { state.withLock { $0.open.count } }

    fileprivate func accepted(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock {
            $0.open[id] = channel
            $0.settingUp.insert(id)
        }
        channel.closeFuture.whenComplete { _ in self.removed(channel) }
    }

    fileprivate func setUp(_ channel: any Channel) {
        _ = state.withLock { $0.settingUp.remove(ObjectIdentifier(channel)) }
    }

    private func removed(_ channel: any Channel) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.open[ObjectIdentifier(channel)] = nil
            state.settingUp.remove(ObjectIdentifier(channel))
            guard state.open.isEmpty else { return [] }
            defer { state.emptyWaiters = [] }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Closes `server` once no accepted connection is mid-set-up; returns when it is closed.
    func closeWhenSettled(_ server: any Channel) async {
        while true {
            let closing = try? await server.eventLoop.submit { [self] () -> Bool in
                guard state.withLock({ $0.settingUp.isEmpty }) else { return false }
                server.close(promise: nil)
                return true
            }.get()
            if closing != false { break }
            try? await Task.sleep(for: .milliseconds(1))
        }
        try? await server.closeFuture.get()
    }

    /// Tells every open connection to close once its current request is answered.
    func quiesceAll() {
        for channel in state.withLock({ Array($0.open.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock {
                if $0.open.isEmpty { return true }
                $0.emptyWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private final class AcceptedHandler: ChannelInboundHandler {
        typealias InboundIn = any Channel
        let tracker: ConnectionTracker

        init(tracker: ConnectionTracker) { self.tracker = tracker }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            tracker.accepted(unwrapInboundIn(data))
            context.fireChannelRead(data)
        }
    }

    private final class SetUpHandler: ChannelInboundHandler {
        typealias InboundIn = any Channel
        let tracker: ConnectionTracker

        init(tracker: ConnectionTracker) { self.tracker = tracker }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            tracker.setUp(unwrapInboundIn(data))
            // The pipeline's tail registers the connection with its event loop: pass it on.
            context.fireChannelRead(data)
        }
    }
}

