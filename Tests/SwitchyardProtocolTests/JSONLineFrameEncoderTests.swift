import NIOCore
import NIOEmbedded
import SwitchyardProtocol
import XCTest

final class JSONLineFrameEncoderTests: XCTestCase {
    private func makeChannel(maxLineBytes: Int = 1 << 20) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            MessageToByteHandler(JSONLineFrameEncoder<WorkerMessage>(maxLineBytes: maxLineBytes))
        )
        return channel
    }

    func testWritesOneLineWithNewline() throws {
        let channel = try makeChannel()
        try channel.writeOutbound(WorkerMessage.pong(seq: 9))
        let written = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(String(buffer: written), "{\"seq\":9,\"type\":\"pong\"}\n")
        _ = try channel.finish()
    }

    /// `{"type":"ready"}` is 16 bytes: a bound of 16 lets it through (the newline is not
    /// counted), a bound of 15 refuses it.
    func testBoundExcludesTheNewline() throws {
        let fits = try makeChannel(maxLineBytes: 16)
        try fits.writeOutbound(WorkerMessage.ready)
        XCTAssertEqual(try fits.readOutbound(as: ByteBuffer.self)?.readableBytes, 17)
        _ = try fits.finish()

        let tooSmall = try makeChannel(maxLineBytes: 15)
        XCTAssertThrowsError(try tooSmall.writeOutbound(WorkerMessage.ready)) { error in
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 15))
        }
        XCTAssertNil(try tooSmall.readOutbound(as: ByteBuffer.self))
        _ = try? tooSmall.finish()
    }
}
