import NIOCore
import NIOHTTP1

/// An HTTP/1.0 request without `Connection: keep-alive` ends its connection (RFC 9112 §9.3):
/// its client — ApacheBench without `-k`, for one — reads the answer until the close. The
/// conversion to HTTPTypes that follows drops the request's version, so the rule is written
/// into the head as `Connection: close`, which `ClientRequestHandler` keeps.
final class HTTP10Close: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), head.version.major == 1, head.version.minor == 0,
              !head.isKeepAlive
        else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

@available(*, unavailable)
extension HTTP10Close: Sendable {}
