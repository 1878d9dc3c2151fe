import XCTest

@testable import SwitchyardHTTP1

final class HTTP1RequestParserTests: XCTestCase {
    /// One request as a connection would see it: its head, its body bytes, whether it ended.
    private struct Request: Equatable {
        var head: HTTP1RequestHead
        var body: [UInt8] = []
        var ended = false
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// Feeds `chunks` one after the other to one parser, the way a connection does (the bytes
    /// not consumed are handed in again with the next chunk), and collects the requests.
    private func requests(_ chunks: [[UInt8]], limits: HTTP1RequestParser.Limits = .init()) throws(HTTP1ParseError) -> [Request] {
        var parser = HTTP1RequestParser(limits: limits)
        var buffer: [UInt8] = []
        var unread = 0
        var out: [Request] = []
        for chunk in chunks {
            buffer += chunk
            while true {
                let step = try parser.next(in: buffer[unread...])
                unread += step.consumed
                guard let event = step.event else { break }
                switch event {
                case .head(let head): out.append(Request(head: head))
                case .body(let piece): out[out.count - 1].body += piece
                case .end: out[out.count - 1].ended = true
                }
            }
        }
        return out
    }

    private func requests(_ text: String, limits: HTTP1RequestParser.Limits = .init()) throws(HTTP1ParseError) -> [Request] {
        try requests([Array(text.utf8)], limits: limits)
    }

    /// Every way of cutting `text` in two, and byte by byte: the requests must not depend on
    /// how the bytes arrive.
    private func assertSameOverEverySplit(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Request] {
        let bytes = Array(text.utf8)
        let whole = try requests([bytes])
        for cut in 1..<bytes.count {
            XCTAssertEqual(try requests([Array(bytes[..<cut]), Array(bytes[cut...])]), whole, "cut at \(cut)", file: file, line: line)
        }
        XCTAssertEqual(try requests(bytes.map { [$0] }), whole, "byte by byte", file: file, line: line)
        return whole
    }

    private func assertRefused(_ text: String, _ expected: HTTP1ParseError, limits: HTTP1RequestParser.Limits = .init(),
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try requests(text, limits: limits), file: file, line: line) { error in
            XCTAssertEqual(error as? HTTP1ParseError, expected, "\(text.debugDescription)", file: file, line: line)
        }
    }

    private func assertRefused(_ text: String, status: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try requests(text), file: file, line: line) { error in
            XCTAssertEqual((error as? HTTP1ParseError)?.status, status, "\(text.debugDescription): \(error)", file: file, line: line)
        }
    }

    func testARequestWithoutABodyEndsRightAfterItsHead() throws {
        let parsed = try requests("GET /v1/models?limit=5 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key:  sk-1 \t\r\n\r\n")
        XCTAssertEqual(parsed.count, 1)
        let head = parsed[0].head
        XCTAssertEqual(head.method, "GET")
        XCTAssertEqual(head.path, "/v1/models?limit=5")
        XCTAssertEqual(head.version, .http11)
        XCTAssertEqual(head.body, .length(0))
        XCTAssertTrue(head.keepAlive)
        XCTAssertFalse(head.expectsContinue)
        XCTAssertEqual(head.fieldList.map(\.name), ["Host", "X-Api-Key"])
        XCTAssertEqual(head.value(of: "x-api-key"), "sk-1", "looked up ignoring case, trimmed of spaces and tabs")
        XCTAssertNil(head.value(of: "authorization"))
        XCTAssertTrue(parsed[0].ended)
        XCTAssertEqual(parsed[0].body, [])
    }

    func testAContentLengthBodyIsTheSameHoweverItArrives() throws {
        let body = #"{"model":"gpt-5","input":"hi"}"#
        let parsed = try assertSameOverEverySplit(
            "POST /v1/responses HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        XCTAssertEqual(parsed.map(\.bodyText), [body])
        XCTAssertEqual(parsed.map(\.ended), [true])
        XCTAssertEqual(parsed[0].head.body, .length(body.utf8.count))
    }

    func testAChunkedBodyIsDecodedExtensionsAndTrailersDropped() throws {
        let wire = "POST /v1/messages HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n"
            + "1;ext=\"a b\"\r\n \r\n"
            + "0A\r\n0123456789\r\n"
            + "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
        let parsed = try assertSameOverEverySplit(wire)
        XCTAssertEqual(parsed.map(\.bodyText), ["hello 0123456789"])
        XCTAssertEqual(parsed.map(\.ended), [true])
        XCTAssertEqual(parsed[0].head.body, .chunked)
    }

    func testPipelinedRequestsComeInOrderAndEmptyLinesBeforeARequestAreSkipped() throws {
        let wire = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
            + "\r\n"  // a stray CRLF after a body, which RFC 9112 §2.2 says to ignore
            + "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
            + "GET /c HTTP/1.1\r\n\r\n"
        let parsed = try assertSameOverEverySplit(wire)
        XCTAssertEqual(parsed.map(\.head.path), ["/a", "/b", "/c"])
        XCTAssertEqual(parsed.map(\.bodyText), ["abc", "de", ""])
        XCTAssertEqual(parsed.map(\.ended), [true, true, true])
    }

    func testABodyIsHandedOutAsItArrivesNotWhenComplete() throws {
        var parser = HTTP1RequestParser()
        let head = Array("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123".utf8)
        var step = try parser.next(in: head[...])
        guard case .head = step.event else { return XCTFail("\(step)") }
        step = try parser.next(in: head[step.consumed...])
        XCTAssertEqual(step.event, .body(head[(head.count - 4)...]), "the four bytes there are, as a view of the input")
        XCTAssertEqual(step.consumed, 4)
        XCTAssertEqual(try parser.next(in: []).event, nil, "more is needed")
    }

    func testAnIncompleteHeadConsumesNothing() throws {
        var parser = HTTP1RequestParser()
        let partial = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)
        XCTAssertEqual(try parser.next(in: partial[...]), .init(event: nil, consumed: 0))
        let whole = partial + Array("\r\n".utf8)
        XCTAssertEqual(try parser.next(in: whole[...]).consumed, whole.count)
    }

    func testKeepAliveFollowsTheVersionAndTheConnectionField() throws {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\nConnection: te\r\nConnection: keep-alive\r\n\r\n", true),
        ]
        for (wire, keepAlive) in cases {
            XCTAssertEqual(try requests(wire).first?.head.keepAlive, keepAlive, wire.debugDescription)
        }
    }

    func testExpectContinueIsTheOnlyExpectationMet() throws {
        let head = try requests("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n")[0].head
        XCTAssertTrue(head.expectsContinue)
        assertRefused("POST / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n", .unsupportedExpectation)
        XCTAssertEqual(HTTP1ParseError.unsupportedExpectation.status, 417)
    }

    func testAnAbsoluteFormTargetIsReducedToItsPathAndQuery() throws {
        XCTAssertEqual(try requests("GET http://127.0.0.1:8402/v1/models?x=1 HTTP/1.1\r\n\r\n")[0].head.path, "/v1/models?x=1")
        XCTAssertEqual(try requests("GET HTTPS://example.com HTTP/1.1\r\n\r\n")[0].head.path, "/")
        XCTAssertEqual(try requests("OPTIONS * HTTP/1.1\r\n\r\n")[0].head.path, "*")
        assertRefused("GET v1/models HTTP/1.1\r\n\r\n", .malformed("request target"))
        assertRefused("GET http://host?x HTTP/1.1\r\n\r\n", .malformed("request target"))
    }

    func testContentLengthListsOfOneValueAreAccepted() throws {
        let parsed = try requests("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        XCTAssertEqual(parsed.map(\.bodyText), ["abc"])
    }

    /// Everything refused, with the status the client gets. Each row is a way two HTTP parsers
    /// have been known to disagree, or a limit.
    func testMalformedAndAmbiguousRequestsAreRefused() {
        let rows: [(String, HTTP1ParseError)] = [
            ("GET / HTTP/1.1\nHost: x\r\n\r\n", .malformed("bare LF")),
            ("GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", .malformed("bare CR")),
            ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", .malformed("folded field line")),
            ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .malformed("invalid field name")),
            ("GET / HTTP/1.1\r\n: x\r\n\r\n", .malformed("field line without a name")),
            ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", .malformed("field line without a name")),
            ("GET / HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n", .malformed("control character in a field value")),
            ("GET  / HTTP/1.1\r\n\r\n", .malformed("request target")),
            ("GET / HTTP/1.1 extra\r\n\r\n", .malformed("HTTP version")),
            ("GET /\r\n\r\n", .malformed("request line")),
            ("G(T / HTTP/1.1\r\n\r\n", .malformed("method")),
            ("GET / http/1.1\r\n\r\n", .malformed("HTTP version")),
            ("GET / HTTP/2.0\r\n\r\n", .unsupportedVersion),
            ("GET / HTTP/0.9\r\n\r\n", .unsupportedVersion),
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .ambiguousFraming("both Content-Length and Transfer-Encoding")),
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .ambiguousFraming("different Content-Length values")),
            ("POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n", .ambiguousFraming("different Content-Length values")),
            ("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", .malformed("Content-Length")),
            ("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", .malformed("Content-Length")),
            ("POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n", .malformed("Content-Length")),
            ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .ambiguousFraming("Transfer-Encoding in an HTTP/1.0 request")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .ambiguousFraming("chunked is not the final transfer coding")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", .ambiguousFraming("chunked is not the final transfer coding")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformed("chunk size is not hexadecimal")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", .malformed("chunk size is not hexadecimal")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .malformed("chunk size too large")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", .malformed("chunk data longer than its size")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n", .malformed("bare LF in chunk size line")),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", .malformed("field line without a name")),
        ]
        for (wire, error) in rows { assertRefused(wire, error) }
        XCTAssertEqual(rows.map(\.1.status).filter { $0 != 400 }.sorted(), [501, 505, 505])
    }

    func testTheHeadIsLimitedEvenBeforeItIsComplete() {
        let limits = HTTP1RequestParser.Limits(maxHeadBytes: 64, maxFields: 2)
        assertRefused("GET / HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 60), .headTooLarge, limits: limits)
        assertRefused("GET / HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 50) + "\r\n\r\n", .headTooLarge, limits: limits)
        assertRefused("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", .headTooLarge, limits: limits)
        XCTAssertNoThrow(try requests("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits))
        assertRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + String(repeating: "0", count: 5000), status: 400)
        XCTAssertEqual(HTTP1ParseError.headTooLarge.status, 431)
    }

    func testAnErrorStaysWithTheConnection() {
        var parser = HTTP1RequestParser()
        let bad = Array("GET / HTTP/9.9\r\n\r\n".utf8)
        XCTAssertThrowsError(try parser.next(in: bad[...]))
        let good = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        XCTAssertThrowsError(try parser.next(in: good[...])) { error in
            XCTAssertEqual(error as? HTTP1ParseError, .unsupportedVersion, "framing is lost after an error: the parser does not resynchronize")
        }
    }
}
