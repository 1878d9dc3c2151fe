import Logging
import NIOCore

/// Closes a connection whose client stopped reading its answer (`client.idle-timeout`, the
/// same bound as a connection idle between requests: nothing moved for that long).
///
/// A stream's relay waits for the connection to become writable again before it takes more
/// from upstream; the upstream transfer pauses meanwhile. Without a bound, a client that
/// never reads — gone without a FIN, or hostile — would hold its upstream connection and its
/// account's in-flight count for ever. NIO reports the connection unwritable once its own
/// buffer passes the high-water mark, i.e. after the kernel's send buffer is full too; if it
/// stays so for the limit, the connection is closed, the request's `HangUpWatch` cancels the
/// upstream work, and the relay's pending write fails. (nginx's `send_timeout` does the same.)
final class WriteStallGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let limit: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            let channel = context.channel
            let logger = logger
            let limit = limit
            timer = context.eventLoop.scheduleTask(in: limit) {
                logger.info("closing a connection whose client stopped reading its answer",
                            metadata: ["after_ms": "\(limit.nanoseconds / 1_000_000)"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}
