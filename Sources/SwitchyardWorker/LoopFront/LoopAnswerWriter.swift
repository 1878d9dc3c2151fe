import NIOCore

/// `ClientAnswerWriter` for a `LoopConnection`. The task writing the answer runs on the
/// connection's loop (it prefers the loop's executor), so every call goes straight to the
/// connection: no hop, no lock.
struct LoopAnswerWriter: ClientAnswerWriter {
    let connection: LoopBound<LoopConnection>

    func write(_ head: AnswerHead, body: ByteBuffer) async throws {
        try connection.value.writeWhole(head, body: body)
    }

    func writeHead(_ head: AnswerHead) async throws {
        try connection.value.writeHead(head)
    }

    func write(contentsOf pieces: some Collection<ByteBuffer> & Sendable) async throws {
        let connection = connection.value
        if try !connection.writeBody(pieces) { try await connection.waitUntilWritable() }
    }

    func finish() async throws {
        try connection.value.finish()
    }
}
