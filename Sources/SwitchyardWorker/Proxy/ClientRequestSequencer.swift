import NIOCore

/// What a client connection's front asks about each request: `ProxyResponder` in the worker,
/// a fake in the tests.
protocol ClientRequestDecider {
    associatedtype Head
    associatedtype Target
    associatedtype Answer
    associatedtype Call

    /// On the head: an answer of the worker's own, or read the body up to a limit.
    func plan(_ head: Head) -> ClientRequestPlan<Target, Answer>
    /// A body over `limit` bytes.
    func tooLarge(limit: Int) -> Answer
    /// On the whole body: an answer of the worker's own, or a call upstream.
    func prepare(_ target: Target, body: [UInt8]) -> ClientRequestPreparation<Answer, Call>
}

enum ClientRequestPlan<Target, Answer> {
    case answer(Answer)
    case readBody(Target, limit: Int)
}

enum ClientRequestPreparation<Answer, Call> {
    case answer(Answer)
    case proxy(Call)
}

/// What the connection's head says beyond what the decider reads.
struct ClientRequestFacts: Equatable {
    /// `Expect: 100-continue`.
    var expectsContinue = false
    /// `Connection: close` (or an HTTP/1.0 request without keep-alive).
    var asksToClose = false
    /// `Content-Length`, when the head has one.
    var announcedLength: Int?
    /// An HTTP/1.0 request (its answer cannot be chunked).
    var http10 = false
}

/// The order of one client connection's requests and answers, without I/O: what to do with
/// each request part as it arrives, when the next request may be served, when the connection
/// closes. `LoopConnection` runs it on libcurl's loop (docs/single-loop-worker.md). Its shell
/// (the connection) performs the actions, in
/// the order given, as they are given; it may call back into the sequencer from an action (a
/// close that reports itself at once), which is why this is a class.
///
/// Rules:
/// - A request is answered at its head when the head decides (404, health, models, client
///   key); its body is then read and dropped. A request that goes upstream is answered by a
///   task (`.proxy`); until the shell reports `answerEnded`, later requests' parts are queued
///   and reading is held (`requestRead` says whether to read now).
/// - A body over the limit (announced or as it arrives) is refused: the answer, then a
///   lingering close (`.refuse`): the rest is read and dropped until the body ends, the client
///   closes or the shell's linger timer fires, so the answer is not destroyed by a reset.
/// - `Expect: 100-continue`: the go-ahead before a body is read; a final answer at the head
///   instead is followed by the close, since the body never comes and the next request's start
///   cannot be found.
/// - `Connection: close`: the connection closes once the request is answered; the client's end
///   of input, once everything it sent is answered.
final class ClientRequestSequencer<Decider: ClientRequestDecider> {
    enum Action {
        /// Write a whole answer.
        case answer(Decider.Answer)
        /// Write a whole answer, then close the connection once it is written.
        case answerThenClose(Decider.Answer)
        /// Write `100 Continue`.
        case sendContinue
        /// Write the answer, end the output (half-close) and start the linger timer.
        case refuse(Decider.Answer)
        /// Start the call's task; report its end with `answerEnded()` or `answerFailed()`.
        case proxy(Decider.Call)
        case close
        /// Reading was held while requests were queued: read again.
        case resumeReading
    }

    private enum Reading {
        case awaitingHead
        case body(Decider.Target, limit: Int, bytes: [UInt8])
        /// The answer went out before the body was read: the rest of it is dropped.
        case discarding
        /// The connection closes once the answer is out; whatever still arrives is dropped.
        case lingering
    }

    private enum Part {
        case head(Decider.Head, ClientRequestFacts)
        case body([UInt8])
        case end
    }

    private let decider: Decider
    private let perform: (Action) -> Void
    private var reading = Reading.awaitingHead
    /// A proxied request's task is answering, and its answer has not ended.
    private(set) var answering = false
    /// The facts of the request being answered (the last head handled).
    private(set) var current = ClientRequestFacts()
    private var queued = CircularBuffer<Part>()
    private var readHeld = false
    private var servingQueue = false
    private var closeAfterAnswer = false
    private var inputEnded = false
    private(set) var closed = false

    init(decider: Decider, perform: @escaping (Action) -> Void) {
        self.decider = decider
        self.perform = perform
    }

    private var hasQueued: Bool { !queued.isEmpty }

    // MARK: The connection's input

    func receiveHead(_ head: Decider.Head, facts: ClientRequestFacts) {
        if answering || hasQueued { queued.append(.head(head, facts)) } else { handle(.head(head, facts)) }
    }

    func receiveBody(_ piece: some Collection<UInt8>) {
        if answering || hasQueued {
            queued.append(.body(Array(piece)))
        } else {
            handleBody(piece)
        }
    }

    func receiveEnd() {
        if answering || hasQueued { queued.append(.end) } else { handle(.end) }
    }

    /// The client ended its side (a half-close, or it is gone).
    func inputClosed() {
        inputEnded = true
        let lingering = if case .lingering = reading { true } else { false }
        if lingering || (!answering && !hasQueued) { close() }
    }

    /// The shell wants to read more: true to read now, false while parts wait (the read
    /// happens with `.resumeReading` once they are served).
    func requestRead() -> Bool {
        if hasQueued {
            readHeld = true
            return false
        }
        return true
    }

    // MARK: The task's side

    /// The proxied answer is written to its end.
    func answerEnded() {
        guard answering else { return }
        answering = false
        requestDone()
    }

    /// The proxied answer could not be completed (client gone, upstream cut): the connection
    /// closes without ending the body, so the client sees a cut response.
    func answerFailed() {
        answering = false
        close()
    }

    /// The worker drains: close once the request in progress is answered, or now if none is.
    func quiesce() {
        closeAfterAnswer = true
        if case .awaitingHead = reading, !answering, !hasQueued { close() }
    }

    /// Whether the connection is between requests (nothing read of the next one, nothing owed).
    var isIdle: Bool {
        if case .awaitingHead = reading { return !answering && !hasQueued }
        return false
    }

    /// The connection is closed, by either side: nothing more is done.
    func connectionClosed() {
        closed = true
    }

    // MARK: Rules

    private func handle(_ part: Part) {
        switch part {
        case .head(let head, let facts): handleHead(head, facts: facts)
        case .body(let bytes): handleBody(bytes)
        case .end: handleEnd()
        }
    }

    private func handleHead(_ head: Decider.Head, facts: ClientRequestFacts) {
        switch reading {
        case .awaitingHead: break
        case .lingering: return
        case .body, .discarding: return close()
        }
        closeAfterAnswer = closeAfterAnswer || facts.asksToClose
        current = facts
        switch decider.plan(head) {
        case .answer(let answer):
            if facts.expectsContinue {
                reading = .lingering
                perform(.answerThenClose(answer))
            } else {
                reading = .discarding
                perform(.answer(answer))
            }
        case .readBody(let target, let limit):
            if let announced = facts.announcedLength, announced > limit {
                refuse(decider.tooLarge(limit: limit))
            } else {
                if facts.expectsContinue { perform(.sendContinue) }
                var bytes: [UInt8] = []
                if let announced = facts.announcedLength { bytes.reserveCapacity(announced) }
                reading = .body(target, limit: limit, bytes: bytes)
            }
        }
    }

    private func handleBody(_ piece: some Collection<UInt8>) {
        switch reading {
        case .body(let target, let limit, var bytes):
            reading = .discarding  // while `bytes` is appended to, so that it is not copied
            if bytes.count + piece.count > limit {
                refuse(decider.tooLarge(limit: limit))
            } else {
                bytes.append(contentsOf: piece)
                reading = .body(target, limit: limit, bytes: bytes)
            }
        case .discarding, .lingering:
            break
        case .awaitingHead:
            close()
        }
    }

    private func handleEnd() {
        switch reading {
        case .body(let target, _, let bytes):
            reading = .awaitingHead
            switch decider.prepare(target, body: bytes) {
            case .answer(let answer):
                perform(.answer(answer))
                requestDone()
            case .proxy(let call):
                answering = true
                perform(.proxy(call))
            }
        case .discarding:
            reading = .awaitingHead
            requestDone()
        case .lingering:
            close()
        case .awaitingHead:
            close()
        }
    }

    private func refuse(_ answer: Decider.Answer) {
        reading = .lingering
        perform(.refuse(answer))
    }

    private func close() {
        guard !closed else { return }
        closed = true
        perform(.close)
    }

    /// The current request is read and answered: close if asked to, else go on with the next.
    private func requestDone() {
        if closeAfterAnswer || (inputEnded && !hasQueued) { return close() }
        // Requests answered at once call back into here while the queue is served: the loop
        // below goes on with them (no recursion per pipelined request).
        guard !servingQueue else { return }
        servingQueue = true
        defer { servingQueue = false }
        while !answering, !closed, let next = queued.popFirst() {
            handle(next)
        }
        if !hasQueued, readHeld, !closed {
            readHeld = false
            perform(.resumeReading)
        }
    }
}
