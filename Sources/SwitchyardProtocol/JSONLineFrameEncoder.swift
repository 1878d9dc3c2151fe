import NIOCore

/// Writes each outbound message as one JSON line (`WireCodec`'s encoding plus `\n`).
///
/// Use `MessageToByteHandler(JSONLineFrameEncoder<WorkerMessage>())` in a worker's pipeline and
/// `JSONLineFrameEncoder<SupervisorMessage>()` in the supervisor's, so a
/// `NIOAsyncChannel<ByteBuffer, WorkerMessage>` writes typed messages.
///
/// A message whose line would exceed `maxLineBytes` throws `FramingError.lineTooLong`: the
/// peer would close the connection on it anyway. `MessageToByteHandler` then fails every later
/// write too, so treat it as fatal for the connection; `PoolBatcher` keeps pool updates under
/// the bound, and payloads that carry upstream bodies must be capped by their sender.
public final class JSONLineFrameEncoder<Message: Encodable>: MessageToByteEncoder {
    public typealias OutboundIn = Message

    /// The longest line written, in bytes, not counting the `\n`.
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 1 << 20) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.maxLineBytes = maxLineBytes
    }

    public func encode(data: Message, out: inout ByteBuffer) throws {
        let start = out.writerIndex
        WireCodec.writeLine(data, into: &out)
        // The line includes its "\n", which the bound does not count.
        if out.writerIndex - start - 1 > maxLineBytes {
            out.moveWriterIndex(to: start)
            throw FramingError.lineTooLong(limit: maxLineBytes)
        }
    }
}

@available(*, unavailable)
extension JSONLineFrameEncoder: Sendable {}
