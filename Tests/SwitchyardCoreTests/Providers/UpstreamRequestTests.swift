import SwitchyardCore
import XCTest

final class UpstreamRequestTests: XCTestCase {
    private let base = UpstreamRequest(
        method: "GET", url: "http://x/", headers: [("A", "1"), ("B", "2")], body: [1, 2])

    func testEqualityComparesEveryPartAndHeaderOrder() {
        func make(
            method: String = "GET", url: String = "http://x/", headers: [(String, String)] = [("A", "1"), ("B", "2")],
            body: [UInt8]? = [1, 2]
        ) -> UpstreamRequest {
            UpstreamRequest(method: method, url: url, headers: headers, body: body)
        }
        let cases: [(String, UpstreamRequest, Bool)] = [
            ("same", make(), true),
            ("method", make(method: "POST"), false),
            ("url", make(url: "http://y/"), false),
            ("body", make(body: nil), false),
            ("order", make(headers: [("B", "2"), ("A", "1")]), false),
            ("value", make(headers: [("A", "1"), ("B", "3")]), false),
            ("name case", make(headers: [("a", "1"), ("B", "2")]), false),
            ("fewer", make(headers: [("A", "1")]), false),
        ]
        for (name, other, equal) in cases {
            XCTAssertEqual(base == other, equal, name)
        }
    }

    func testHeaderLookupIgnoresCase() {
        XCTAssertEqual(base.header("a"), "1")
        XCTAssertEqual(base.header("B"), "2")
        XCTAssertNil(base.header("c"))
    }

    func testSetHeaderReplacesInPlaceAndRemovesDuplicates() {
        var request = UpstreamRequest(method: "GET", url: "u", headers: [("X-A", "1"), ("B", "2"), ("x-a", "3")])
        request.setHeader("x-A", "9")
        XCTAssertEqual(ProviderTestSupport.lines(request.headers), ["x-A: 9", "B: 2"])
        request.setHeader("C", "4")
        XCTAssertEqual(ProviderTestSupport.lines(request.headers), ["x-A: 9", "B: 2", "C: 4"])
    }

    func testOverridesReplaceExistingAndAppendNewInSortedOrder() {
        var request = UpstreamRequest(method: "GET", url: "u", headers: [("Accept", "application/json"), ("B", "2")])
        request.applyOverrides(["z-extra": "z", "accept": "*/*", "a-extra": "a"])
        XCTAssertEqual(
            ProviderTestSupport.lines(request.headers), ["accept: */*", "B: 2", "a-extra: a", "z-extra: z"])
    }
}
