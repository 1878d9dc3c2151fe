import XCTest
@testable import SwitchyardCurl

final class CurlHeaderLinesTests: XCTestCase {
    func testLines() throws {
        let cases: [(headers: [(name: String, value: String)], lines: [String])] = [
            ([], ["Expect:", "Content-Type:"]),
            ([("Authorization", "Bearer x"), ("X-Empty", "")], ["Authorization: Bearer x", "X-Empty;", "Expect:", "Content-Type:"]),
            ([("content-type", "application/json")], ["content-type: application/json", "Expect:"]),
            ([("EXPECT", "100-continue")], ["EXPECT: 100-continue", "Content-Type:"]),
            ([("A", "1"), ("A", "2")], ["A: 1", "A: 2", "Expect:", "Content-Type:"]),
        ]
        for testCase in cases {
            XCTAssertEqual(try CurlHeaderLines.lines(for: testCase.headers).map(\.text), testCase.lines, "\(testCase.headers)")
        }
    }

    func testTheHeaderListHoldsEveryLineInOrder() throws {
        let headers: [(name: String, value: String)] = [("Authorization", "Bearer x"), ("X-Empty", ""), ("X-Text", "ünïcode value")]
        let lines = try CurlHeaderLines.lines(for: headers)
        let list = CurlHeaderList(lines)
        defer { list.deallocate() }
        var read: [String] = []
        var node = list.head
        while let current = node {
            read.append(String(cString: current.pointee.data))
            node = current.pointee.next
        }
        XCTAssertEqual(read, lines.map(\.text))
        XCTAssertNil(CurlHeaderList([]).head)
    }

    func testRejectedHeaders() {
        let cases: [(name: String, value: String)] = [
            ("X", "a\r\nInjected: 1"), ("X", "a\nb"), ("X", "a\u{0}b"),
            ("", "x"), ("Bad Name", "x"), ("Bad:Name", "x"), ("Ünïcode", "x"),
        ]
        for header in cases {
            XCTAssertThrowsError(try CurlHeaderLines.lines(for: [header]), "\(header)") { error in
                XCTAssertEqual((error as? CurlError)?.code, .invalidRequest)
            }
        }
    }

    func testMethodValidation() {
        for method in ["GET", "PROPFIND", "M-SEARCH"] {
            XCTAssertNoThrow(try CurlHeaderLines.validate(method: HTTPMethod(rawValue: method)), method)
        }
        for method in ["", "GET /", "GET\r\n", "GÉT"] {
            XCTAssertThrowsError(try CurlHeaderLines.validate(method: HTTPMethod(rawValue: method)), method)
        }
    }
}
