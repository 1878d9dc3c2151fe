import NIOCore
import NIOEmbedded
import SwitchyardProtocol
import XCTest

final class JSONLineFrameDecoderTests: XCTestCase {
    private func makeChannel(maxLineBytes: Int = 1 << 20) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(JSONLineFrameDecoder(maxLineBytes: maxLineBytes))
        )
        return channel
    }

    private func readLines(_ channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let line = try channel.readInbound(as: ByteBuffer.self) { lines.append(String(buffer: line)) }
        return lines
    }

    func testSplitReadsCRLFAndEmptyLines() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: "{\"type\":\"ready\"}\n{\"type\":"))
        XCTAssertEqual(try readLines(channel), [#"{"type":"ready"}"#])
        try channel.writeInbound(ByteBuffer(string: "\"pong\",\"seq\":1}\r\n\n\r\n{\"type\":\"accepting\"}\n"))
        XCTAssertEqual(try readLines(channel), [#"{"type":"pong","seq":1}"#, #"{"type":"accepting"}"#])
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testByteByByte() throws {
        let channel = try makeChannel()
        for byte in "ab\ncd\r\n".utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        XCTAssertEqual(try readLines(channel), ["ab", "cd"])
        _ = try channel.finish()
    }

    func testLineAtTheBoundPassesAndOneMoreByteFails() throws {
        let ok = try makeChannel(maxLineBytes: 8)
        try ok.writeInbound(ByteBuffer(string: "12345678\r\n12345678\n"))
        XCTAssertEqual(try readLines(ok), ["12345678", "12345678"])
        _ = try ok.finish()

        let tooLong = try makeChannel(maxLineBytes: 8)
        XCTAssertThrowsError(try tooLong.writeInbound(ByteBuffer(string: "123456789\n"))) { error in
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 8))
        }
        _ = try? tooLong.finish()

        let unterminated = try makeChannel(maxLineBytes: 8)
        try unterminated.writeInbound(ByteBuffer(string: "12345678\r"))
        XCTAssertThrowsError(try unterminated.writeInbound(ByteBuffer(string: "9"))) { error in
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 8), "bound + 1 without newline fails early")
        }
        _ = try? unterminated.finish()
    }

    /// A 2 MiB line in 64 KiB reads is refused at the read that passes the bound.
    func testTwoMiBLineIsRejectedEarly() throws {
        let channel = try makeChannel()
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)
        var failedAtChunk: Int?
        for index in 0..<32 {
            do {
                try channel.writeInbound(chunk)
            } catch {
                XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 1 << 20))
                failedAtChunk = index
                break
            }
        }
        XCTAssertEqual(failedAtChunk, 16)
        _ = try? channel.finish()
    }

    func testExactlyOneMiBLineIsDelivered() throws {
        let channel = try makeChannel()
        var line = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
        line.writeString("\n")
        try channel.writeInbound(line)
        XCTAssertEqual(try channel.readInbound(as: ByteBuffer.self)?.readableBytes, 1 << 20)
        _ = try channel.finish()
    }

    func testUnterminatedFragmentAtEndOfFileIsDropped() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(string: "{\"type\":\"ready\"}\n{\"type\":\"acc"))
        XCTAssertEqual(try readLines(channel), [#"{"type":"ready"}"#])
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testInvalidUTF8IsPassedOnForTheCodecToReject() throws {
        let channel = try makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [0x22, 0xC3, 0x28, 0x22, 0x0A]))
        let line = try XCTUnwrap(try channel.readInbound(as: ByteBuffer.self))
        XCTAssertThrowsError(try WireCodec.decodeSupervisorMessage(line)) { error in
            XCTAssertEqual(error as? ProtocolError, .invalidUTF8)
        }
        _ = try channel.finish()
    }

    /// The encoder's lines, fed to the decoder, come back as the same messages.
    func testEncoderAndDecoderRoundTripEveryMessage() throws {
        let writer = EmbeddedChannel()
        try writer.pipeline.syncOperations.addHandler(MessageToByteHandler(JSONLineFrameEncoder<SupervisorMessage>()))
        let reader = try makeChannel()
        for message in Fixtures.supervisorMessages {
            try writer.writeOutbound(message)
            while let bytes = try writer.readOutbound(as: ByteBuffer.self) { try reader.writeInbound(bytes) }
        }
        var decoded: [SupervisorMessage] = []
        while let line = try reader.readInbound(as: ByteBuffer.self) {
            decoded.append(try WireCodec.decodeSupervisorMessage(line))
        }
        XCTAssertEqual(decoded, Fixtures.supervisorMessages)
        _ = try writer.finish()
        _ = try reader.finish()
    }
}
