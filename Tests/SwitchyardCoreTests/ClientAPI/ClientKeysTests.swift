import XCTest

@testable import SwitchyardCore

final class ClientKeysTests: XCTestCase {
    func testNoKeysConfiguredAcceptsAnything() {
        let keys = ClientKeys([])
        XCTAssertFalse(keys.required)
        XCTAssertTrue(keys.accepts([]))
        XCTAssertTrue(keys.accepts(["whatever"]))
    }

    func testAnyPresentedValueMayCarryAnyConfiguredKey() {
        let keys = ClientKeys(["alpha-key", "beta-key"])
        XCTAssertTrue(keys.accepts(["beta-key"]))
        XCTAssertTrue(keys.accepts(["wrong", "alpha-key"]))
        XCTAssertFalse(keys.accepts([]))
        XCTAssertFalse(keys.accepts(["alpha-ke", "alpha-key2", "", "ALPHA-KEY"]))
    }

    func testBearerCredential() {
        XCTAssertEqual(ClientKeys.bearer("Bearer abc"), "abc")
        XCTAssertEqual(ClientKeys.bearer("bearer  abc "), "abc")
        XCTAssertNil(ClientKeys.bearer("Basic abc"))
        XCTAssertNil(ClientKeys.bearer("Bearer "))
    }

    func testEqualityIsExact() {
        XCTAssertTrue(ClientKeys.equal(Array("k".utf8), Array("k".utf8)))
        XCTAssertFalse(ClientKeys.equal(Array("k".utf8), Array("k\u{0}".utf8)), "a trailing NUL is a different key")
        XCTAssertFalse(ClientKeys.equal([], Array("k".utf8)))
        XCTAssertTrue(ClientKeys.equal([], []))
    }
}
