import XCTest
@testable import SwitchyardCurl

final class HTTPResponseTests: XCTestCase {
    func testHeaderLookupIsASCIICaseInsensitive() {
        let response = HTTPResponse(status: 200, headers: [("Retry-After", "5"), ("x-a", "1"), ("X-A", "2")], body: [])
        XCTAssertEqual(response.header("retry-after"), "5")
        XCTAssertEqual(response.header("RETRY-AFTER"), "5")
        XCTAssertEqual(response.header("x-A"), "1")
        XCTAssertEqual(response.headers(named: "X-a"), ["1", "2"])
        XCTAssertNil(response.header("Retry-Afte"))
        XCTAssertNil(response.header("Retry-After2"))
        XCTAssertEqual(HTTPResponseHead(status: 200, headers: response.headers).header("X-A"), "1")
    }

    func testHeaderNameEquality() {
        let cases: [(String, String, Bool)] = [
            ("a", "A", true), ("Content-Type", "content-type", true), ("", "", true),
            ("a", "ab", false), ("ab", "a", false), ("[", "{", false), ("@", "`", false), ("é", "É", false),
        ]
        for (lhs, rhs, equal) in cases {
            XCTAssertEqual(HTTPHeaderName.equal(lhs, rhs), equal, "\(lhs) vs \(rhs)")
        }
    }
}
