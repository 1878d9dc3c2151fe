import NIOCore
import NIOHTTPTypes

/// Holds back "quiesce" (stop accepting / drain) from a connection that has not sent its
/// first request yet, for up to `grace`.
///
/// Why: during a hand-over the old worker stops accepting, and Hummingbird then closes every
/// idle connection at once. A connection accepted a moment earlier looks idle while its
/// request still sits unread in the socket buffer; closing it resets the client — a failed
/// request during a restart, exactly what the hand-over exists to prevent. With this handler
/// such a connection is closed only after it has been served (or stayed silent for `grace`).
final class QuiesceGraceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let grace: TimeAmount
    private var sawRequest = false
    private var heldEvent: ChannelShouldQuiesceEvent?
    private var timer: Scheduled<Void>?

    init(grace: TimeAmount = .seconds(2)) {
        self.grace = grace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { sawRequest = true }
        context.fireChannelRead(data)
        if sawRequest, let held = heldEvent {
            // The request is now in progress downstream: quiescing closes after its response.
            heldEvent = nil
            timer?.cancel()
            context.fireUserInboundEventTriggered(held)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let quiesce = event as? ChannelShouldQuiesceEvent, !sawRequest else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        heldEvent = quiesce
        // Both bound to the channel's event loop, where the timer fires.
        let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let handlerBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: grace) {
            let handler = handlerBound.value
            guard let held = handler.heldEvent else { return }
            handler.heldEvent = nil
            contextBound.value.fireUserInboundEventTriggered(held)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }
}

@available(*, unavailable)
extension QuiesceGraceHandler: Sendable {}
