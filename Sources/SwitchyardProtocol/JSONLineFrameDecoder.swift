import NIOCore

/// Splits a worker-socket byte stream into protocol lines inside a NIO pipeline.
///
/// Each `ByteBuffer` it passes on is one line without its `\n` (and without a `\r` before it);
/// empty lines are skipped. It applies `LineFramer`'s rule: more than `maxLineBytes` buffered
/// without a newline throws `FramingError.lineTooLong` at once, so a runaway peer cannot make
/// the process buffer much more than the bound. The error reaches the rest of the pipeline
/// through `errorCaught`; with `NIOAsyncChannel` it ends the inbound sequence with that error,
/// and `executeThenClose` closes the connection.
///
/// An unterminated fragment at end of file is dropped: the peer died mid-write, and half a
/// message is not a message.
///
/// Install it with `ByteToMessageHandler(JSONLineFrameDecoder())` on the channel's event loop,
/// e.g. inside `channel.eventLoop.makeCompletedFuture { … }` before wrapping the channel in
/// `NIOAsyncChannel<ByteBuffer, …>`. Like every handler it belongs to one event loop.
public final class JSONLineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// The longest line accepted, in bytes, not counting `\n` or a `\r` before it.
    public let maxLineBytes: Int

    /// Readable bytes (from the reader index) already known to hold no newline. Relative to the
    /// reader index, so it stays valid when `ByteToMessageHandler` discards read bytes.
    private var scanned = 0

    public init(maxLineBytes: Int = 1 << 20) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.maxLineBytes = maxLineBytes
    }

    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = firstNewline(in: buffer) else {
            scanned = buffer.readableBytes
            let lastByte = buffer.getInteger(at: buffer.writerIndex - 1, as: UInt8.self)
            if LineBound.unterminatedExceeds(count: buffer.readableBytes, lastByte: lastByte, limit: maxLineBytes) {
                throw FramingError.lineTooLong(limit: maxLineBytes)
            }
            return .needMoreData
        }
        scanned = 0
        var length = newline
        if length > 0, buffer.getInteger(at: buffer.readerIndex + length - 1, as: UInt8.self) == LineBound.carriageReturn {
            length -= 1
        }
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)
        buffer.moveReaderIndex(forwardBy: newline + 1)
        guard length <= maxLineBytes else { throw FramingError.lineTooLong(limit: maxLineBytes) }
        if let line, length > 0 {
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        return .continue
    }

    public func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            scanned = 0
        }
        return state
    }

    /// Offset of the first `\n` from the reader index, resuming after the bytes already scanned.
    private func firstNewline(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            bytes[scanned...].firstIndex(of: LineBound.newline)
        }
    }
}

@available(*, unavailable)
extension JSONLineFrameDecoder: Sendable {}
