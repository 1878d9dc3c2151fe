import XCTest

@testable import SwitchyardCore

final class ManagementAccessTests: XCTestCase {
    func testWithoutAKeyEverythingIsOpen() {
        for key in [nil, ""] as [String?] {
            let access = ManagementAccess(key: key)
            XCTAssertFalse(access.required)
            XCTAssertTrue(access.allows(path: "/v0/status", authorization: nil))
            XCTAssertTrue(access.allows(path: "/metrics", authorization: "Bearer anything"))
        }
    }

    func testOnlyTheHealthCheckAndThePageAreOpen() {
        let access = ManagementAccess(key: "s3cret")
        XCTAssertTrue(access.required)
        XCTAssertTrue(access.allows(path: "/healthz", authorization: nil))
        XCTAssertTrue(access.allows(path: "/", authorization: nil))
        for path in ["/v0/status", "/v0/nosuch", "/v0", "/metrics", "/nosuch", "//v0/status", "/healthz/", "/HEALTHZ"] {
            XCTAssertFalse(access.allows(path: path, authorization: nil), path)
            XCTAssertTrue(access.allows(path: path, authorization: "Bearer s3cret"), path)
        }
    }

    func testTheBearerSchemeInAnyCase() {
        let access = ManagementAccess(key: "s3cret")
        for header in ["Bearer s3cret", "bearer s3cret", "BEARER s3cret", "Bearer  s3cret "] {
            XCTAssertTrue(access.allows(path: "/v0/status", authorization: header), header)
        }
    }

    func testWrongOrMalformedCredentialsAreRefused() {
        let access = ManagementAccess(key: "s3cret")
        for header in ["Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Basic s3cret", "s3cret", "Bearer", "Bearer ", ""] {
            XCTAssertFalse(access.allows(path: "/v0/status", authorization: header), header)
        }
    }
}
