import HTTPTypes
import NIOCore

/// How the task answering one proxied request writes its answer, whichever front serves the
/// connection: a whole answer in one write, or a head, pieces of body and the end.
///
/// Back-pressure: a piece of body returns once the connection takes more, so a client that
/// reads slowly slows the relay, and through `UpstreamExchange`'s bound the upstream transfer.
/// A call on a connection that has closed throws `ClientResponseWriter.Closed`.
protocol ClientAnswerWriter: Sendable {
    /// A whole answer: head, body and end in one write.
    func write(_ head: HTTPResponse, body: ByteBuffer) async throws
    func writeHead(_ head: HTTPResponse) async throws
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
