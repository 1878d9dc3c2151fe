import NIOCore
import NIOEmbedded
import SwitchyardProtocol
import XCTest

/// The handlers in the shape the worker uses them: a `NIOAsyncChannel` that reads lines and
/// writes typed messages, built under Swift 6 strict concurrency.
final class NIOAsyncChannelUsageTests: XCTestCase {
    private func makeAsyncChannel(
        _ channel: NIOAsyncTestingChannel, maxLineBytes: Int = 1 << 20
    ) async throws -> NIOAsyncChannel<ByteBuffer, WorkerMessage> {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(JSONLineFrameDecoder(maxLineBytes: maxLineBytes))
            )
            try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(JSONLineFrameEncoder<WorkerMessage>()))
            return try NIOAsyncChannel<ByteBuffer, WorkerMessage>(wrappingChannelSynchronously: channel)
        }.get()
    }

    func testReadsLinesAndWritesTypedMessages() async throws {
        let channel = NIOAsyncTestingChannel()
        let asyncChannel = try await makeAsyncChannel(channel)
        try await asyncChannel.executeThenClose { inbound, outbound in
            try await outbound.write(.pong(seq: 7))
            let written = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            XCTAssertEqual(try WireCodec.decodeWorkerMessage(written), .pong(seq: 7))

            try await channel.writeInbound(WireCodec.encode(SupervisorMessage.ping(seq: 8)))
            var lines = inbound.makeAsyncIterator()
            let next = try await lines.next()
            let line = try XCTUnwrap(next)
            XCTAssertEqual(try WireCodec.decodeSupervisorMessage(line), .ping(seq: 8))
        }
    }

    func testOversizedLineEndsTheInboundSequenceWithTheError() async throws {
        let channel = NIOAsyncTestingChannel()
        let asyncChannel = try await makeAsyncChannel(channel, maxLineBytes: 8)
        do {
            try await channel.writeInbound(ByteBuffer(string: "0123456789"))
        } catch {
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 8))
        }
        do {
            try await asyncChannel.executeThenClose { inbound, _ in
                for try await _ in inbound { XCTFail("no line expected") }
            }
            XCTFail("the inbound sequence should end with the framing error")
        } catch {
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 8))
        }
    }
}
