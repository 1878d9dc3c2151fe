import NIOCore

/// How the task answering one proxied request writes its answer (`LoopAnswerWriter`): a whole
/// answer in one write, or a head, pieces of body and the end.
///
/// Back-pressure: a piece of body returns once the connection takes more, so a client that
/// reads slowly slows the relay, and through `UpstreamExchange`'s bound the upstream transfer.
/// A call on a connection that has closed throws `ClientClosed`.
protocol ClientAnswerWriter: Sendable {
    /// A whole answer: head, body and end in one write.
    func write(_ head: AnswerHead, body: ByteBuffer) async throws
    func writeHead(_ head: AnswerHead) async throws
    /// Returns once the connection can take more.
    func write(contentsOf pieces: some Collection<ByteBuffer> & Sendable) async throws
    /// Ends the answer.
    func finish() async throws
}

extension ClientAnswerWriter {
    func write(_ piece: ByteBuffer) async throws {
        try await write(contentsOf: CollectionOfOne(piece))
    }
}

/// The head of an answer to a client, as the encoder takes it (`HTTP1ResponseEncoder`): the
/// framing fields are the front's own, so any given here are dropped, as are fields that
/// would split the head.
struct AnswerHead: Sendable {
    var status: Int
    var fields: [(name: String, value: String)]
    /// A streamed body's length, when the upstream gave it: the body is then framed by it, as
    /// it came, instead of in chunks (`writeHead`; a whole answer is framed by its own length).
    var bodyLength: Int?

    init(status: Int, fields: [(name: String, value: String)] = [], bodyLength: Int? = nil) {
        self.status = status
        self.fields = fields
        self.bodyLength = bodyLength
    }
}

/// The client connection closed before the answer was written.
struct ClientClosed: Error, CustomStringConvertible {
    var description: String { "the client connection closed before the answer was written" }
}
