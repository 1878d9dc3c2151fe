import Logging
import NIOCore
import SwitchyardCurl
import SwitchyardHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// One client connection served on libcurl's loop (docs/single-loop-worker.md): its bytes are
/// read, parsed (`HTTP1RequestParser`) and sequenced (`ClientRequestSequencer`) on the thread
/// that talks to the upstreams, and a proxied request's task runs there too, so a request
/// crosses no thread.
///
/// Output is gathered and written once per loop turn (`endOfTurn`), or when the socket takes
/// more after it was full. Everything here runs on the loop thread.
final class LoopConnection: CurlLoopHandler {
    private enum Phase { case awaitingHead, readingBody, responding, betweenRequests }

    let fd: Int32
    private unowned let front: LoopFrontState
    private let hangUp = HangUpWatch()
    private var parser = HTTP1RequestParser()
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    /// Bytes of `output` already written.
    private var sent = 0
    private var flushScheduled = false
    /// The socket was full: waiting for it to take more (EPOLLOUT).
    private var waitingWritable = false
    private var readInterest = true
    private var inputEnded = false
    private var writableWaiters: [CheckedContinuation<Void, any Error>] = []
    private(set) var closed = false
    private var shutDownAfterFlush = false
    private var closeAfterFlush = false
    /// How the streamed answer in progress frames its body.
    private var streamFraming = HTTP1ResponseEncoder.Framing.chunked

    // The slow-client clock (SPEC §3 client.header-timeout, client.idle-timeout).
    private var phase = Phase.awaitingHead
    private var deadline: ContinuousClock.Instant?
    private var stalledSince: ContinuousClock.Instant?
    private var lingerUntil: ContinuousClock.Instant?
    private var quiesceAt: ContinuousClock.Instant?
    private var sawRequest = false

    private lazy var sequencer = ClientRequestSequencer(decider: front.responder) { [unowned self] in self.perform($0) }

    /// A stream's answer waits for the client once this much is unwritten.
    static let highWater = 64 * 1024
    /// Input and output buffers keep their storage between requests up to this size.
    static let keptBufferCapacity = 256 * 1024
    /// Long enough for a client on a normal link to finish a body a few MiB over the limit;
    /// short enough that a client sending forever holds the connection only briefly.
    static let lingerLimit = Duration.seconds(5)
    /// How long a connection that has not sent its first request keeps the drain waiting.
    static let quiesceGrace = Duration.seconds(2)

    init(fd: Int32, front: LoopFrontState) {
        self.fd = fd
        self.front = front
    }

    func open(now: ContinuousClock.Instant) {
        deadline = now + front.headerTimeout
        setInterest()
    }

    // MARK: - Readiness

    func ready(_ fd: Int32, events: CurlLoopEvents) {
        if waitingWritable, !events.isDisjoint(with: [.writable, .hangUp]) { flush() }
        if !closed, readInterest, !events.isDisjoint(with: [.readable, .hangUp]) { readAvailable() }
        // Hung up both ways or failed: nothing more can be read or written, and epoll reports
        // it on every turn until the socket is closed.
        if !closed, events.contains(.hangUp) { close(flushing: false) }
    }

    func endOfTurn() {
        flushScheduled = false
        if !closed, !waitingWritable { flush() }
    }

    private func setInterest() {
        guard !closed else { return }
        CurlLoop.current?.watch(fd, reading: readInterest && !inputEnded, writing: waitingWritable, handler: self)
    }

    // MARK: - Reading

    private func readAvailable() {
        var endOfInput = false
        var arrived = false
        while !closed {
            let count = front.readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                input.append(contentsOf: front.readBuffer[0..<count])
                arrived = true
                if count < front.readBuffer.count { break }
            } else if count == 0 {
                endOfInput = true
                break
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                return close(flushing: false)
            }
        }
        if arrived {
            bytesArrived(at: .now)
            parseInput()
        }
        if endOfInput, !closed { inputClosed() }
    }

    private func parseInput() {
        var unread = 0
        defer {
            // A large body read in many pieces leaves a large buffer: keep only a small one.
            if unread == input.count {
                input.removeAll(keepingCapacity: input.capacity <= Self.keptBufferCapacity)
            } else if unread > 0 {
                input.removeFirst(unread)
            }
        }
        while !closed {
            let step: HTTP1RequestParser.Step
            do {
                step = try parser.next(in: input[unread...])
            } catch {
                return refuseUnparsable(error)
            }
            unread += step.consumed
            guard let event = step.event else { break }
            switch event {
            case .head(let head):
                headArrived(head)
            case .body(let piece):
                sequencer.receiveBody(piece)
            case .end:
                phase = .responding
                deadline = nil
                sequencer.receiveEnd()
                settleClock()
            }
        }
        if !closed, !sequencer.requestRead() {
            readInterest = false
            setInterest()
        }
    }

    private func headArrived(_ head: HTTP1RequestHead) {
        sawRequest = true
        phase = .readingBody
        deadline = .now + front.headerTimeout
        sequencer.receiveHead(head, facts: head.facts)
        if quiesceAt != nil {
            quiesceAt = nil
            sequencer.quiesce()
        }
    }

    /// The client's end of input (a half-close, or it is gone).
    private func inputClosed() {
        inputEnded = true
        hangUp.hungUp()
        setInterest()
        sequencer.inputClosed()
    }

    /// A request the parser refuses gets its status and the close, unless an answer is being
    /// written (then only the close): the connection's framing is lost.
    private func refuseUnparsable(_ error: HTTP1ParseError) {
        front.logger.debug("closing a client connection", metadata: ["error": "\(error)"])
        if !sequencer.answering {
            encodeWhole(AnswerHead(status: error.status), body: ByteBuffer(), keepAlive: false)
        }
        close(flushing: true)
    }

    // MARK: - The sequencer's actions

    private func perform(_ action: ClientRequestSequencer<ProxyResponder>.Action) {
        switch action {
        case .answer(let answer):
            encodeWhole(answer.head, body: answer.body)
        case .answerThenClose(let answer):
            encodeWhole(answer.head, body: answer.body, keepAlive: false)
            closeAfterFlush = true
        case .sendContinue:
            output.append(contentsOf: HTTP1ResponseEncoder.continueHead)
            scheduleFlush()
        case .refuse(let answer):
            encodeWhole(answer.head, body: answer.body, keepAlive: false)
            shutDownAfterFlush = true
            lingerUntil = .now + Self.lingerLimit
        case .proxy(let start):
            startProxy(start)
        case .close:
            close(flushing: true)
        case .resumeReading:
            readInterest = true
            setInterest()
        }
    }

    private func startProxy(_ start: ProxyResponder.ProxyStart) {
        let connection = LoopBound(self)
        let writer = LoopAnswerWriter(connection: connection)
        let responder = front.responder
        let hangUp = self.hangUp
        let curl = front.curl
        let task = Task(executorPreference: front.executor) {
            do {
                try await responder.proxy(start, hangUp: hangUp, curl: curl, writer: writer)
            } catch {
                connection.value.answerFailed(error)
            }
        }
        hangUp.attach(task)
    }

    /// The answer could not be completed (the client went, the upstream cut a stream): the
    /// connection closes without ending the body, so the client sees a cut response.
    private func answerFailed(_ error: any Error) {
        front.logger.trace("closing a client connection", metadata: ["reason": "\(error)"])
        sequencer.answerFailed()
    }

    // MARK: - Answers (also `LoopAnswerWriter`'s side)

    private var keepAlive: Bool { !sequencer.current.asksToClose && !front.quiescing }

    private func encodeWhole(_ head: AnswerHead, body: ByteBuffer, keepAlive: Bool? = nil) {
        encodeHead(head, framing: .length(body.readableBytes), keepAlive: keepAlive ?? self.keepAlive)
        body.withUnsafeReadableBytes { output.append(contentsOf: $0) }
        scheduleFlush()
    }

    /// Writes `head` for the request being answered; returns the framing in force (a stream to
    /// an HTTP/1.0 client ends with the close).
    @discardableResult
    private func encodeHead(
        _ head: AnswerHead, framing: HTTP1ResponseEncoder.Framing, keepAlive: Bool
    ) -> HTTP1ResponseEncoder.Framing {
        HTTP1ResponseEncoder.writeHead(
            status: head.status, fields: head.fields,
            framing: framing, keepAlive: keepAlive, clientVersion: sequencer.current.http10 ? .http10 : .http11,
            into: &output
        ).framing
    }

    private func liveCheck() throws {
        guard sequencer.answering, !closed else { throw ClientClosed() }
    }

    func writeWhole(_ head: AnswerHead, body: ByteBuffer) throws {
        try liveCheck()
        encodeWhole(head, body: body)
        sequencer.answerEnded()
        settleClock()
    }

    func writeHead(_ head: AnswerHead) throws {
        try liveCheck()
        streamFraming = encodeHead(head, framing: head.bodyLength.map { .length($0) } ?? .chunked, keepAlive: keepAlive)
        if streamFraming == .untilClose { closeAfterFlush = true }
        scheduleFlush()
    }

    /// Whether the connection takes more at once; if not, wait with `waitUntilWritable`.
    func writeBody(_ pieces: some Collection<ByteBuffer>) throws -> Bool {
        try liveCheck()
        for piece in pieces {
            piece.withUnsafeReadableBytes { bytes in
                if streamFraming == .chunked {
                    HTTP1ResponseEncoder.writeChunk(bytes, into: &output)
                } else {
                    output.append(contentsOf: bytes)
                }
            }
        }
        scheduleFlush()
        return output.count - sent < Self.highWater
    }

    func waitUntilWritable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if closed {
                continuation.resume(throwing: ClientClosed())
            } else {
                writableWaiters.append(continuation)
            }
        }
    }

    func finish() throws {
        try liveCheck()
        if streamFraming == .chunked { output.append(contentsOf: HTTP1ResponseEncoder.lastChunk) }
        scheduleFlush()
        sequencer.answerEnded()
        settleClock()
    }

    // MARK: - Writing

    private func scheduleFlush() {
        guard !flushScheduled, !closed else { return }
        flushScheduled = true
        CurlLoop.current?.runAtEndOfTurn(self)
    }

    private func flush() {
        while sent < output.count {
            let count = output.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
            if count > 0 {
                sent += count
            } else if count < 0, errno == EINTR {
                continue
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                if !waitingWritable {
                    waitingWritable = true
                    stalledSince = .now
                    setInterest()
                }
                if sent >= 64 * 1024 {
                    output.removeFirst(sent)
                    sent = 0
                }
                return
            } else {
                return close(flushing: false)
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= Self.keptBufferCapacity)
        sent = 0
        if waitingWritable {
            waitingWritable = false
            stalledSince = nil
            setInterest()
        }
        if !writableWaiters.isEmpty {
            let waiters = writableWaiters
            writableWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        if shutDownAfterFlush {
            shutDownAfterFlush = false
            if shutdown(fd, Int32(SHUT_WR)) != 0 { close(flushing: false) }
        }
        if closeAfterFlush { close(flushing: false) }
    }

    // MARK: - Clock, drain, close

    private func bytesArrived(at now: ContinuousClock.Instant) {
        switch phase {
        case .betweenRequests:
            phase = .awaitingHead
            deadline = now + front.headerTimeout
        case .readingBody:
            deadline = now + front.headerTimeout
        case .awaitingHead, .responding:
            break
        }
    }

    /// Between requests once nothing is owed: `client.idle-timeout` from now.
    private func settleClock() {
        guard phase == .responding, sequencer.isIdle else { return }
        phase = .betweenRequests
        deadline = .now + front.idleTimeout
    }

    /// The sweep, a few times a second: the limits that passed close the connection.
    func tick(now: ContinuousClock.Instant) {
        if let deadline, now >= deadline {
            front.logger.debug("closing a slow or idle client connection", metadata: ["phase": "\(phase)"])
            return close(flushing: true)
        }
        if let stalledSince, now - stalledSince >= front.idleTimeout {
            front.logger.info("closing a connection whose client stopped reading its answer",
                              metadata: ["after_ms": "\(front.idleTimeout.components.seconds * 1000)"])
            return close(flushing: false)
        }
        if let lingerUntil, now >= lingerUntil { return close(flushing: false) }
        if let quiesceAt, now >= quiesceAt { return close(flushing: false) }
    }

    /// The worker drains: close after the current request, or now when between requests. A
    /// connection that has not sent its first request yet gets a grace: during a hand-over
    /// it may have been accepted a moment ago with its request still unread.
    func quiesce(now: ContinuousClock.Instant) {
        if !sawRequest {
            quiesceAt = now + Self.quiesceGrace
        } else {
            sequencer.quiesce()
        }
    }

    private func close(flushing: Bool) {
        guard !closed else { return }
        if flushing, sent < output.count {
            _ = output.withUnsafeBytes { write(fd, $0.baseAddress! + sent, $0.count - sent) }
        }
        closed = true
        CurlLoop.current?.unwatch(fd)
        Glibc.close(fd)
        hangUp.hungUp()
        sequencer.connectionClosed()
        let waiters = writableWaiters
        writableWaiters = []
        for waiter in waiters { waiter.resume(throwing: ClientClosed()) }
        front.removed(self)
    }
}
