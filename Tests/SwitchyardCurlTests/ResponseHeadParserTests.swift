import XCTest
@testable import SwitchyardCurl

final class ResponseHeadParserTests: XCTestCase {
    private struct Case {
        let name: String
        let lines: [String]
        let status: Int
        let headers: [String]  // "name=value"
    }

    func testHeaderBlocks() {
        let cases = [
            Case(name: "simple", lines: ["HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n", "X-A:  spaced \t\r\n", "\r\n"],
                 status: 200, headers: ["Content-Type=text/plain", "X-A=spaced"]),
            Case(name: "HTTP/2 status line", lines: ["HTTP/2 429 \r\n", "retry-after: 30\r\n", "\r\n"],
                 status: 429, headers: ["retry-after=30"]),
            Case(name: "1xx then final", lines: ["HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n",
                                                 "HTTP/1.1 201 Created\r\n", "X-Final: 2\r\n", "\r\n"],
                 status: 201, headers: ["X-Final=2"]),
            Case(name: "proxy CONNECT reply then final", lines: ["HTTP/1.1 200 Connection established\r\n", "\r\n",
                                                                 "HTTP/2 404\r\n", "x: y\r\n", "\r\n"],
                 status: 404, headers: ["x=y"]),
            Case(name: "trailers after the block are dropped", lines: ["HTTP/1.1 200 OK\r\n", "A: 1\r\n", "\r\n", "Trailer-X: t\r\n", "\r\n"],
                 status: 200, headers: ["A=1"]),
            Case(name: "obsolete folding joins with a space", lines: ["HTTP/1.1 200 OK\r\n", "A: one\r\n", "\t two\r\n", "\r\n"],
                 status: 200, headers: ["A=one two"]),
            Case(name: "empty value, colon in value, junk line", lines: ["HTTP/1.1 200 OK\r\n", "E:\r\n", "Loc: http://x:1/\r\n", "junk\r\n"],
                 status: 200, headers: ["E=", "Loc=http://x:1/"]),
            Case(name: "bad status line", lines: ["HTTP/1.1 abc\r\n", "A: 1\r\n"], status: 0, headers: ["A=1"]),
            Case(name: "nothing", lines: [], status: 0, headers: []),
        ]
        for testCase in cases {
            var parser = ResponseHeadParser()
            for line in testCase.lines {
                Array(line.utf8).withUnsafeBytes { parser.consume(line: $0) }
            }
            XCTAssertEqual(parser.head.status, testCase.status, testCase.name)
            XCTAssertEqual(parser.head.headers.map { "\($0.name)=\($0.value)" }, testCase.headers, testCase.name)
        }
    }

    func testStatusCodeOfStatusLine() {
        let cases: [(String, Int?)] = [
            ("HTTP/1.1 200 OK", 200), ("HTTP/2 503", 503), ("HTTP/1.0 404 Not Found", 404),
            ("HTTP/1.1 20 OK", nil), ("HTTP/1.1", nil), ("HTTP/1.1 2000", nil),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(ResponseHeadParser.statusCode(ofStatusLine: line), expected, line)
        }
    }

    /// After each line: whether the final head is complete (what the multi client hands on at
    /// once, before any body).
    func testFinalHeadIsCompleteOnlyAtTheBlankLineOfANon1xxBlock() {
        let cases: [(name: String, lines: [String], complete: [Bool])] = [
            ("plain", ["HTTP/1.1 200 OK\r\n", "A: 1\r\n", "\r\n"], [false, false, true]),
            ("interim first", ["HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/2 204 \r\n", "\r\n"], [false, false, false, true]),
            ("bad status line", ["HTTP/1.1 abc\r\n", "\r\n"], [false, false]),
        ]
        for testCase in cases {
            var parser = ResponseHeadParser()
            let seen = testCase.lines.map { line -> Bool in
                parser.consume(line: line)
                return parser.hasCompleteFinalHead
            }
            XCTAssertEqual(seen, testCase.complete, testCase.name)
        }
    }
}
