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
/// The rules — what each part of a request leads to, pipelining, `Expect: 100-continue`, the
/// lingering close after a 413, when the connection closes — are `ClientRequestSequencer`'s;
/// this handler performs its actions on the channel. Pipelining: parts of the next request
/// that arrive while one is being answered are queued, and reading stops until they are
/// served, as NIO's `HTTPServerPipelineHandler` does.
final class ClientRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Long enough for a client on a normal link to finish a body a few MiB over the limit;
    /// short enough that a client sending forever holds the connection only briefly.
    static let lingerLimit: TimeAmount = .seconds(5)

    private let responder: ProxyResponder
    private let hangUp: HangUpWatch
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private lazy var sequencer = ClientRequestSequencer(decider: responder) { [unowned self] in self.perform($0) }
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
        switch unwrapInboundIn(data) {
        case .head(let head):
            sequencer.receiveHead(head, facts: ClientRequestFacts(
                expectsContinue: head.headerFields[.expect]?.lowercased() == "100-continue",
                asksToClose: Self.asksToClose(head),
                announcedLength: head.headerFields[.contentLength].flatMap(Int.init)))
        case .body(let piece):
            sequencer.receiveBody(piece.readableBytesView)
        case .end:
            sequencer.receiveEnd()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { sequencer.inputClosed() }
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
        if error is HTTPParserError, !sequencer.answering, !sequencer.closed {
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
        if sequencer.requestRead() { context.read() }
    }

    // MARK: The sequencer's actions

    private func perform(_ action: ClientRequestSequencer<ProxyResponder>.Action) {
        guard let context else { return }
        switch action {
        case .answer(let answer):
            writeLocal(answer, context: context)
        case .answerThenClose(let answer):
            let channel = context.channel
            writeLocal(answer, context: context).whenComplete { _ in channel.close(promise: nil) }
        case .sendContinue:
            // curl sends `Expect: 100-continue` with bodies over 1 MiB, and otherwise waits a
            // second before it sends the body anyway.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        case .refuse(let answer):
            refuse(answer, context: context)
        case .proxy(let start):
            startProxy(start, context: context)
        case .close:
            context.close(promise: nil)
        case .resumeReading:
            context.read()
        }
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
        let channel = context.channel
        channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        lingerTimer = context.eventLoop.scheduleTask(in: Self.lingerLimit) { channel.close(promise: nil) }
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

    private func startProxy(_ start: ProxyResponder.ProxyStart, context: ChannelHandlerContext) {
        let eventLoop = context.eventLoop
        let writer = ClientResponseWriter(self, eventLoop: eventLoop)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let responder = self.responder
        let hangUp = self.hangUp
        // Runs on this event loop: NIO's executor keeps a task on the loop that created it.
        let task = Task {
            do {
                try await responder.proxy(start, hangUp: hangUp, eventLoop: eventLoop, writer: writer)
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
        sequencer.answerFailed()
    }

    private func connectionClosed() {
        sequencer.connectionClosed()
        lingerTimer?.cancel()
        lingerTimer = nil
        if let writable {
            self.writable = nil
            writable.fail(ClientResponseWriter.Closed())
        }
    }

    // MARK: ClientResponseWriter's side (on the event loop)

    private func liveContext() throws -> ChannelHandlerContext {
        guard sequencer.answering, !sequencer.closed, let context else { throw ClientResponseWriter.Closed() }
        return context
    }

    func sendWhole(_ head: HTTPResponse, body: ByteBuffer) throws {
        let context = try liveContext()
        writeWhole(head, body: body, context: context)
        sequencer.answerEnded()
    }

    func sendHead(_ head: HTTPResponse) throws {
        try liveContext().writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
    }

    /// nil when the connection takes more at once; else a future completed when it does.
    func sendBody(_ pieces: some Collection<ByteBuffer>) throws -> EventLoopFuture<Void>? {
        let context = try liveContext()
        for piece in pieces { context.write(wrapOutboundOut(.body(piece)), promise: nil) }
        context.flush()
        guard !context.channel.isWritable, !sequencer.closed else { return nil }
        if writable == nil { writable = context.eventLoop.makePromise() }
        return writable?.futureResult
    }

    func sendEnd() throws {
        let context = try liveContext()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        sequencer.answerEnded()
    }
}

@available(*, unavailable)
extension ClientRequestHandler: Sendable {}
