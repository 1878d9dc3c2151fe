import XCTest

@testable import SwitchyardCore

final class SSEScannerTests: XCTestCase {
    private let stream = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
        + "event: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n"
        + "data: line one\ndata: line two\n\n"
        + "data: {\"type\":\"content_block_delta\"}\n\n"

    func testEventsAreCutAtBlankLinesWhateverTheLineEnds() {
        var scanner = SSEScanner()
        let events = scanner.feed(Array(stream.utf8))
        XCTAssertEqual(events.map(\.name), ["message_start", "ping", nil, nil])
        XCTAssertEqual(events.map { String(decoding: $0.data, as: UTF8.self) },
                       [#"{"type":"message_start"}"#, #"{"type":"ping"}"#, "line one\nline two", #"{"type":"content_block_delta"}"#])
        XCTAssertEqual(events.flatMap(\.raw), Array(stream.utf8), "the raw bytes of the events are the stream, untouched")
        XCTAssertEqual(scanner.bufferedCount, 0)
    }

    func testEveryChunkingGivesTheSameEvents() {
        var whole = SSEScanner()
        let expected = whole.feed(Array(stream.utf8))
        let bytes = Array(stream.utf8)
        for size in 1...bytes.count {
            var scanner = SSEScanner()
            var events: [SSEScanner.Event] = []
            var start = 0
            while start < bytes.count {
                events += scanner.feed(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            XCTAssertEqual(events, expected, "chunk size \(size)")
        }
    }

    func testAnUnfinishedEventIsLeftForFinish() {
        var scanner = SSEScanner()
        XCTAssertTrue(scanner.feed(Array("data: {\"a\":1}\n".utf8)).isEmpty)
        XCTAssertEqual(String(decoding: scanner.finish(), as: UTF8.self), "data: {\"a\":1}\n")
    }
}
