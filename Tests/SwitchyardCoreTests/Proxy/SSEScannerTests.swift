import XCTest

@testable import SwitchyardCore

final class SSEScannerTests: XCTestCase {
    private let stream = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
        + "event: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n"
        + "data: line one\ndata: line two\ndata: line three\n\n"
        + "data: {\"type\":\"content_block_delta\"}\n\n"

    /// Every event the chunks complete, copied out of the scanner's buffer.
    private func events<Chunks: Sequence>(_ chunks: Chunks, into scanner: inout SSEScanner) -> [Copied]
    where Chunks.Element: Collection<UInt8> {
        var out: [Copied] = []
        for chunk in chunks {
            scanner.append(chunk)
            while let event = scanner.next() { out.append(Copied(event)) }
        }
        return out
    }

    private struct Copied: Equatable {
        var raw: String, name: String?, data: String, type: String?
        init(_ event: SSEScanner.Event) {
            raw = String(decoding: event.raw, as: UTF8.self)
            name = event.name.map { String(decoding: $0, as: UTF8.self) }
            data = String(decoding: event.data, as: UTF8.self)
            type = event.type?.description
        }
    }

    func testEventsAreCutAtBlankLinesWhateverTheLineEnds() {
        var scanner = SSEScanner()
        let events = events([Array(stream.utf8)], into: &scanner)
        XCTAssertEqual(events.map(\.name), ["message_start", "ping", nil, nil])
        XCTAssertEqual(events.map(\.data),
                       [#"{"type":"message_start"}"#, #"{"type":"ping"}"#, "line one\nline two\nline three", #"{"type":"content_block_delta"}"#])
        XCTAssertEqual(events.map(\.raw).joined(), stream, "the raw bytes of the events are the stream, untouched")
        XCTAssertEqual(events.map(\.type), ["message_start", "ping", nil, "content_block_delta"],
                       "the name, else the data's top-level type")
        XCTAssertEqual(scanner.bufferedCount, 0)
    }

    func testEveryChunkingGivesTheSameEvents() {
        var whole = SSEScanner()
        let expected = events([Array(stream.utf8)], into: &whole)
        let bytes = Array(stream.utf8)
        for size in 1...bytes.count {
            var scanner = SSEScanner()
            let chunks = stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
            XCTAssertEqual(events(chunks, into: &scanner), expected, "chunk size \(size)")
        }
    }

    func testAnEventKeptAcrossTheNextAppendKeepsItsBytes() {
        var scanner = SSEScanner()
        scanner.append(Array("event: first\ndata: 1\n\n".utf8))
        guard let first = scanner.next() else { return XCTFail("expected an event") }
        scanner.append(Array("event: second\ndata: 2\n\n".utf8))
        XCTAssertEqual(scanner.next().map { Array($0.data) }, Array("2".utf8))
        XCTAssertEqual(Array(first.raw), Array("event: first\ndata: 1\n\n".utf8))
    }

    func testTypesMatchStringPatternsAndEscapedTypesAreDecoded() {
        var scanner = SSEScanner()
        scanner.append(Array("data: {\"type\":\"response.\\u0063ompleted\"}\n\ndata: {\"other\":1}\n\n".utf8))
        let escaped = scanner.next()?.type
        XCTAssertTrue({ if case "response.completed" = escaped { true } else { false } }())
        XCTAssertFalse({ if case "response.complete" = escaped { true } else { false } }())
        XCTAssertNil(scanner.next()?.type)
    }

    func testAnUnfinishedEventIsLeftForFinish() {
        var scanner = SSEScanner()
        XCTAssertTrue(events([Array("data: {\"a\":1}\n".utf8)], into: &scanner).isEmpty)
        XCTAssertEqual(String(decoding: scanner.finish(), as: UTF8.self), "data: {\"a\":1}\n")
    }
}
