import NIOCore
import NIOHTTPTypes

/// `client.header-timeout` against slow clients (SPEC §3): a request's head must arrive
/// within the timeout of its first byte (of the connection's opening, for the first request),
/// and its body may not stall longer than that between reads. A connection that breaks
/// either rule is closed. Between requests, `client.idle-timeout` applies instead.
///
/// Two handlers share one clock: `RawReadWatch` before the HTTP decoder sees bytes arrive,
/// `RequestPhaseWatch` after it sees where the request stands.
final class SlowClientClock {
    private enum Phase { case betweenRequests, awaitingHead, readingBody, responding }

    private let timeout: TimeAmount
    private var phase = Phase.awaitingHead
    /// When the connection is cut unless the clock is re-armed or stopped first.
    private var deadline: NIODeadline?
    /// At most one timer per connection: re-arming only moves `deadline`, and a timer that
    /// fires early schedules itself again for the rest (no timer per request).
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    fileprivate func start(_ context: ChannelHandlerContext) { arm(context) }

    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        switch phase {
        case .betweenRequests:
            phase = .awaitingHead
            arm(context)
        case .readingBody:
            arm(context)
        case .awaitingHead, .responding:
            break
        }
    }

    fileprivate func headReceived(_ context: ChannelHandlerContext) {
        phase = .readingBody
        arm(context)
    }

    fileprivate func requestEnded() {
        phase = .responding
        deadline = nil
    }

    fileprivate func responseEnded() {
        if phase == .responding { phase = .betweenRequests }
    }

    fileprivate func stop() {
        deadline = nil
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        let due = NIODeadline.now() + timeout
        deadline = due
        if timer == nil { schedule(context, at: due) }
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let clockBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: due) {
            let clock = clockBound.value
            clock.timer = nil
            guard let deadline = clock.deadline else { return }
            if deadline <= .now() {
                contextBound.value.close(promise: nil)
            } else {
                clock.schedule(contextBound.value, at: deadline)
            }
        }
    }
}

/// First in the pipeline: raw bytes from the client.
final class RawReadWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let clock: SlowClientClock

    init(timeout: TimeAmount) { clock = SlowClientClock(timeout: timeout) }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { clock.start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        clock.start(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.bytesArrived(context)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { clock.stop() }
}

/// After the HTTP decoder: request heads and ends in, response ends out.
final class RequestPhaseWatch: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private var clock: SlowClientClock?

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        clock = (try? context.pipeline.syncOperations.handler(type: RawReadWatch.self))?.clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: clock?.headReceived(context)
        case .end: clock?.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock?.responseEnded() }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension RawReadWatch: Sendable {}
@available(*, unavailable)
extension RequestPhaseWatch: Sendable {}
