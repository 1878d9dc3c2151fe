import Foundation
import XCTest

@testable import SwitchyardCore

final class CollectorTests: XCTestCase {
    private func event(_ name: String, _ data: String) -> String { "event: \(name)\ndata: \(data)\n\n" }

    func testCodexCollectorAnswersWithTheCompletedResponse() {
        let stream = event("response.created", #"{"type":"response.created","response":{"status":"in_progress"}}"#)
            + event("response.output_text.delta", #"{"type":"response.output_text.delta","delta":"Hi"}"#)
            + event("response.completed", #"{"type":"response.completed","response":{"id":"r1","status":"completed"}}"#)
        var collector = CodexStreamCollector()
        let bytes = Array(stream.utf8)
        XCTAssertEqual(collector.feed(Array(bytes.prefix(40))), .collecting)
        XCTAssertEqual(collector.feed(Array(bytes.dropFirst(40))), .finished(Array(#"{"id":"r1","status":"completed"}"#.utf8)))
    }

    func testCodexCollectorReportsFailuresAndCutStreams() {
        var failed = CodexStreamCollector()
        XCTAssertEqual(failed.feed(Array(event("response.failed", #"{"response":{"error":{"code":"x"}}}"#).utf8)),
                       .failed(payload: Array(#"{"error":{"code":"x"}}"#.utf8)))
        var cut = CodexStreamCollector()
        XCTAssertEqual(cut.feed(Array(event("response.created", "{}").utf8)), .collecting)
        XCTAssertEqual(cut.finish(), .incomplete)
        var unterminated = CodexStreamCollector()
        _ = unterminated.feed(Array("event: response.completed\ndata: {\"response\":{\"a\":1}}".utf8))
        XCTAssertEqual(unterminated.finish(), .finished(Array(#"{"a":1}"#.utf8)))
    }

    func testGeminiArrayCollectorJoinsTheUnwrappedEvents() throws {
        var unwrapper = GeminiStreamUnwrapper()
        var collector = GeminiArrayCollector()
        let stream = "data: {\"response\":{\"n\":1}}\r\n\r\ndata: {\"response\":{\"n\":2}}\r\n\r\n"
        collector.feed(unwrapper.feed(Array(stream.utf8)))
        collector.feed(unwrapper.finish())
        let array = collector.finish()
        XCTAssertEqual(String(decoding: array, as: UTF8.self), #"[{"n":1},{"n":2}]"#)
        var empty = GeminiArrayCollector()
        XCTAssertEqual(String(decoding: empty.finish(), as: UTF8.self), "[]")
    }
}
