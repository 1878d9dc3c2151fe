import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import SwitchyardCore

/// Serves one client connection's requests, in order, at the end of its pipeline (after NIO's
/// HTTP/1 codec, its conversion to HTTPTypes and Hummingbird's connection-state handler, which
/// keeps the idle timeout and quiescing).
///
/// Why a channel handler and not Hummingbird's `HTTP1Channel` responder: that one hands each
/// connection to a task through `NIOAsyncChannel`, whose inbound stream and outbound writer
/// cost a hand-over per part each way. Measured with the same libcurl client behind it
/// (docs/benchmarks.md): 19,000 proxied requests/s against 23,000 for a plain handler, and
/// 70 µs more per request at concurrency 1. Here everything a request's head and body decide
/// (404, health, models, client key, body limit, body shape) is answered on the event loop as
/// the parts arrive; only a request that goes upstream gets a task, which writes its answer
/// through a `ClientResponseWriter`.
///
/// Pipelining: parts of the next request that arrive while one is being answered are queued,
/// and reading stops until they are served, as NIO's `HTTPServerPipelineHandler` does.
final class ClientRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Reading {
        /// Between requests: the next part is a head.
        case awaitingHead
        /// A proxied request's body is arriving.
        case body(ProxyResponder.ProxyTarget, limit: Int, bytes: [UInt8])
        /// The answer went out before the body was read: the rest of it is dropped.
        case discarding
        /// The connection closes once the answer is out (`refuse`, or a refused `Expect:
        /// 100-continue`); whatever still arrives is dropped.
        case lingering
    }

    /// Long enough for a client on a normal link to finish a body a few MiB over the limit;
    /// short enough that a client sending forever holds the connection only briefly.
    static let lingerLimit: TimeAmount = .seconds(5)

    private let responder: ProxyResponder
    private let hangUp: HangUpWatch
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var reading = Reading.awaitingHead
    /// A proxied request's task is answering, and its answer has not ended.
    private var answering = false
    /// Parts of later requests that arrived while one was being answered.
    private var queued = CircularBuffer<HTTPRequestPart>()
    /// NIO asked to read while parts were queued; the read happens once they are served.
    private var readHeld = false
    private var servingQueue = false
    /// The client asked to close after this request (`Connection: close`).
    private var closeAfterAnswer = false
    /// The client closed its side: close once everything it sent is answered.
    private var inputEnded = false
    private var closed = false
    /// Completed when the connection can take more of a stream (`ClientResponseWriter`).
    private var writable: EventLoopPromise<Void>?
    private var lingerTimer: Scheduled<Void>?

    init(responder: ProxyResponder, hangUp: HangUpWatch, logger: Logger) {
        self.responder = responder
        self.hangUp = hangUp
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionClosed()
        self.context = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering || !queued.isEmpty {
            queued.append(part)
        } else {
            handle(part, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputEnded = true
            let lingering = if case .lingering = reading { true } else { false }
            if lingering || (!answering && queued.isEmpty) { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let writable {
            self.writable = nil
            writable.succeed()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request NIO could not parse gets 400 when nothing else is being written, as
        // Hummingbird answers it; the connection cannot serve another request either way.
        if error is HTTPParserError, !answering, !closed {
            var fields = HTTPFields()
            fields[.connection] = "close"
            fields[.contentLength] = "0"
            writeWhole(HTTPResponse(status: .badRequest, headerFields: fields), body: ByteBuffer(), context: context)
        }
        logger.debug("closing a client connection", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if queued.isEmpty {
            context.read()
        } else {
            readHeld = true
        }
    }

    // MARK: Requests

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (reading, part) {
        case (.awaitingHead, .head(let head)):
            closeAfterAnswer = Self.asksToClose(head)
            let expectsContinue = Self.expectsContinue(head)
            switch responder.plan(head) {
            case .answer(let answer):
                if expectsContinue {
                    // The client waits for a go-ahead before it sends its body, and a final
                    // answer tells it not to: the body never comes, and the connection cannot
                    // tell where the next request would start.
                    let channel = context.channel
                    writeLocal(answer, context: context).whenComplete { _ in channel.close(promise: nil) }
                    reading = .lingering
                } else {
                    writeLocal(answer, context: context)
                    reading = .discarding
                }
            case .readBody(let target, let limit):
                let announced = head.headerFields[.contentLength].flatMap(Int.init)
                if let announced, announced > limit {
                    refuse(responder.tooLarge(limit: limit), context: context)
                } else {
                    // `Expect: 100-continue` (curl sends it with bodies over 1 MiB): the go-ahead,
                    // or the client waits a second before it sends the body anyway.
                    if expectsContinue {
                        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
                    }
                    var bytes: [UInt8] = []
                    if let announced { bytes.reserveCapacity(announced) }
                    reading = .body(target, limit: limit, bytes: bytes)
                }
            }
        case (.body(let target, let limit, var bytes), .body(let piece)):
            reading = .discarding  // while `bytes` is appended to, so that it is not copied
            if bytes.count + piece.readableBytes > limit {
                refuse(responder.tooLarge(limit: limit), context: context)
            } else {
                bytes.append(contentsOf: piece.readableBytesView)
                reading = .body(target, limit: limit, bytes: bytes)
            }
        case (.body(let target, _, let bytes), .end):
            reading = .awaitingHead
            switch responder.prepare(target, body: bytes) {
            case .answer(let answer):
                writeLocal(answer, context: context)
                requestDone(context: context)
            case .proxy(let call, let session, let settings):
                startProxy(call, session: session, settings: settings, context: context)
            }
        case (.discarding, .body):
            break
        case (.discarding, .end):
            reading = .awaitingHead
            requestDone(context: context)
        case (.lingering, .end):
            context.close(promise: nil)
        case (.lingering, _):
            break
        default:
            logger.debug("unexpected request part; closing the connection")
            context.close(promise: nil)
        }
    }

    private static func expectsContinue(_ head: HTTPRequest) -> Bool {
        head.headerFields[.expect]?.lowercased() == "100-continue"
    }

    private static func asksToClose(_ head: HTTPRequest) -> Bool {
        guard let connection = head.headerFields[.connection] else { return false }
        return connection.split(separator: ",").contains {
            $0.lowercased().filter { $0 != " " && $0 != "\t" } == "close"
        }
    }

    /// A body over the limit (announced or as it arrived): 413, without losing the answer.
    /// Closing a socket with unread input makes the kernel send a reset: the client, still
    /// writing its body, fails with "connection reset" (most clients write the whole body
    /// before they read), and a 413 not yet delivered is destroyed with the connection. So, as
    /// Apache and nginx do, the answer is followed by a half-close (FIN: nothing more comes),
    /// the rest of the body is read and dropped until it ends, the client closes or
    /// `lingerLimit` passes, and only then is the connection closed.
    private func refuse(_ answer: LocalAnswer, context: ChannelHandlerContext) {
        writeLocal(answer, context: context)
        reading = .lingering
        let channel = context.channel
        channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        lingerTimer = context.eventLoop.scheduleTask(in: Self.lingerLimit) { channel.close(promise: nil) }
    }

    /// The current request is read and answered: close if asked to, else go on with the next.
    private func requestDone(context: ChannelHandlerContext) {
        if closeAfterAnswer || (inputEnded && queued.isEmpty) {
            closed = true  // nothing more is read or written
            context.close(promise: nil)
            return
        }
        // Requests answered at once call back into here while the queue is served: the loop
        // below goes on with them (no recursion per pipelined request).
        guard !servingQueue else { return }
        servingQueue = true
        defer { servingQueue = false }
        while !answering, !closed, let next = queued.popFirst() {
            handle(next, context: context)
        }
        if queued.isEmpty, readHeld, !closed {
            readHeld = false
            context.read()
        }
    }

    @discardableResult
    private func writeLocal(_ answer: LocalAnswer, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        writeWhole(answer.head, body: answer.body, context: context)
    }

    /// Head, body and end in one flush.
    @discardableResult
    private func writeWhole(_ head: HTTPResponse, body: ByteBuffer, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        return context.writeAndFlush(wrapOutboundOut(.end(nil)))
    }

    private func startProxy(_ call: ProxyCall, session: String?, settings: ProxySettings, context: ChannelHandlerContext) {
        answering = true
        let eventLoop = context.eventLoop
        let writer = ClientResponseWriter(self, eventLoop: eventLoop)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let responder = self.responder
        let hangUp = self.hangUp
        // Runs on this event loop: NIO's executor keeps a task on the loop that created it.
        let task = Task {
            do {
                try await responder.proxy(call, session: session, settings: settings, hangUp: hangUp,
                                          eventLoop: eventLoop, writer: writer)
            } catch {
                eventLoop.execute { handler.value.answerFailed(error) }
            }
        }
        hangUp.attach(task)
    }

    /// The answer could not be completed (the client went, the upstream cut a stream): the
    /// connection closes without ending the body, so the client sees a cut response, never a
    /// short "complete" one.
    private func answerFailed(_ error: any Error) {
        logger.trace("closing a client connection", metadata: ["reason": "\(error)"])
        answering = false
        context?.close(promise: nil)
    }

    private func connectionClosed() {
        closed = true
        lingerTimer?.cancel()
        lingerTimer = nil
        if let writable {
            self.writable = nil
            writable.fail(ClientResponseWriter.Closed())
        }
    }

    // MARK: ClientResponseWriter's side (on the event loop)

    private func liveContext() throws -> ChannelHandlerContext {
        guard answering, !closed, let context else { throw ClientResponseWriter.Closed() }
        return context
    }

    func sendWhole(_ head: HTTPResponse, body: ByteBuffer) throws {
        let context = try liveContext()
        writeWhole(head, body: body, context: context)
        answerEnded(context: context)
    }

    func sendHead(_ head: HTTPResponse) throws {
        try liveContext().writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
    }

    /// nil when the connection takes more at once; else a future completed when it does.
    func sendBody(_ pieces: some Collection<ByteBuffer>) throws -> EventLoopFuture<Void>? {
        let context = try liveContext()
        for piece in pieces { context.write(wrapOutboundOut(.body(piece)), promise: nil) }
        context.flush()
        guard !context.channel.isWritable, !closed else { return nil }
        if writable == nil { writable = context.eventLoop.makePromise() }
        return writable?.futureResult
    }

    func sendEnd() throws {
        let context = try liveContext()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        answerEnded(context: context)
    }

    private func answerEnded(context: ChannelHandlerContext) {
        answering = false
        requestDone(context: context)
    }
}

@available(*, unavailable)
extension ClientRequestHandler: Sendable {}
