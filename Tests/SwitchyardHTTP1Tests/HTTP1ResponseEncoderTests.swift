import XCTest

@testable import SwitchyardHTTP1

final class HTTP1ResponseEncoderTests: XCTestCase {
    private func head(
        _ status: Int, _ fields: [(name: String, value: String)] = [], framing: HTTP1ResponseEncoder.Framing,
        keepAlive: Bool = true, version: HTTP1RequestHead.Version = .http11
    ) -> (String, HTTP1ResponseEncoder.Framing, Bool) {
        var out: [UInt8] = []
        let (framing, keepAlive) = HTTP1ResponseEncoder.writeHead(
            status: status, fields: fields, framing: framing, keepAlive: keepAlive, clientVersion: version, into: &out)
        return (String(decoding: out, as: UTF8.self), framing, keepAlive)
    }

    func testAHeadCarriesTheFieldsThenItsOwnFraming() {
        let (text, framing, keepAlive) = head(200, [("Content-Type", "application/json"), ("x-request-id", "r1")], framing: .length(12))
        XCTAssertEqual(text, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: r1\r\nContent-Length: 12\r\n\r\n")
        XCTAssertEqual(framing, .length(12))
        XCTAssertTrue(keepAlive)
        XCTAssertEqual(head(529, framing: .length(1_048_576)).0, "HTTP/1.1 529 Overloaded\r\nContent-Length: 1048576\r\n\r\n")
        XCTAssertEqual(head(299, framing: .length(100)).0, "HTTP/1.1 299 \r\nContent-Length: 100\r\n\r\n", "no reason phrase known")
    }

    func testTheCallersFramingFieldsNeverReachTheClient() {
        let relayed: [(name: String, value: String)] = [
            ("content-length", "999"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"),
            ("Content-Type", "text/event-stream"),
        ]
        XCTAssertEqual(head(200, relayed, framing: .chunked).0,
                       "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    func testFieldsThatWouldSplitTheHeadAreDropped() {
        let fields: [(name: String, value: String)] = [
            ("X-Injected", "a\r\nSet-Cookie: b"), ("X-Nul", "a\u{0}"), ("Bad Name", "x"), ("", "x"), ("X-Fine", "tab\tand obs-text é"),
        ]
        XCTAssertEqual(head(503, fields, framing: .length(0), keepAlive: false).0,
                       "HTTP/1.1 503 Service Unavailable\r\nX-Fine: tab\tand obs-text é\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    func testAnHTTP10ClientGetsItsOwnRulesForStreamsAndKeepAlive() {
        let stream = head(200, framing: .chunked, version: .http10)
        XCTAssertEqual(stream.0, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", "no chunked for HTTP/1.0: the close ends the body")
        XCTAssertEqual(stream.1, .untilClose)
        XCTAssertFalse(stream.2)
        let kept = head(200, framing: .length(2), version: .http10)
        XCTAssertEqual(kept.0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertTrue(kept.2)
    }

    func testChunksAreFramedInLowercaseHexAndAnEmptyOneIsNotWritten() {
        var out: [UInt8] = []
        for size in [1, 10, 255, 4096, 0] {
            [UInt8](repeating: UInt8(ascii: "a"), count: size).withUnsafeBytes { HTTP1ResponseEncoder.writeChunk($0, into: &out) }
        }
        out += HTTP1ResponseEncoder.lastChunk
        let text = String(decoding: out, as: UTF8.self)
        let expected = "1\r\na\r\n" + "a\r\n" + String(repeating: "a", count: 10) + "\r\n" + "ff\r\n" + String(repeating: "a", count: 255) + "\r\n"
            + "1000\r\n" + String(repeating: "a", count: 4096) + "\r\n" + "0\r\n\r\n"
        XCTAssertEqual(text, expected)
    }

    /// What the encoder writes, the parser of this module reads back as the same body.
    func testAChunkedBodyRoundTripsThroughTheParser() throws {
        var wire = Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let pieces = ["data: {\"a\":1}\n\n", "", String(repeating: "x", count: 70_000), "end"]
        for piece in pieces { Array(piece.utf8).withUnsafeBytes { HTTP1ResponseEncoder.writeChunk($0, into: &wire) } }
        wire += HTTP1ResponseEncoder.lastChunk
        var parser = HTTP1RequestParser()
        var unread = 0
        var body: [UInt8] = []
        var ended = false
        while !ended {
            let step = try parser.next(in: wire[unread...])
            unread += step.consumed
            switch try XCTUnwrap(step.event) {
            case .head: break
            case .body(let piece): body += piece
            case .end: ended = true
            }
        }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), pieces.joined())
        XCTAssertEqual(unread, wire.count)
    }
}
