import NIOCore
import NIOEmbedded
import XCTest

@testable import SwitchyardProtocol

/// Counts flushes, so a test can see that queued lines leave together.
private final class FlushCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    var flushes = 0

    func flush(context: ChannelHandlerContext) {
        flushes += 1
        context.flush()
    }
}

final class LineOutboxTests: XCTestCase {
    private func written(_ channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { lines.append(String(buffer: buffer)) }
        return lines
    }

    func testLinesQueuedTogetherLeaveInOrderWithOneFlush() throws {
        let counter = FlushCounter()
        let channel = EmbeddedChannel(handler: counter)
        let outbox = LineOutbox(channel: channel)
        for index in 1...5 { outbox.send(ByteBuffer(string: "line \(index)\n")) }
        XCTAssertEqual(try written(channel), [], "nothing is written on the sender's thread")
        channel.embeddedEventLoop.run()
        XCTAssertEqual(try written(channel), (1...5).map { "line \($0)\n" })
        XCTAssertEqual(counter.flushes, 1, "one flush for the whole burst")

        outbox.send(ByteBuffer(string: "later\n"))
        channel.embeddedEventLoop.run()
        XCTAssertEqual(try written(channel), ["later\n"])
        XCTAssertEqual(counter.flushes, 2)
    }

    func testNothingIsSentAfterFinishButQueuedLinesStillGo() throws {
        let channel = EmbeddedChannel()
        let outbox = LineOutbox(channel: channel)
        outbox.send(ByteBuffer(string: "before\n"))
        outbox.finish()
        outbox.send(ByteBuffer(string: "after\n"))
        channel.embeddedEventLoop.run()
        XCTAssertEqual(try written(channel), ["before\n"])
    }
}
