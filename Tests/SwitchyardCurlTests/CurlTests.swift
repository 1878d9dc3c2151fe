import XCTest
@testable import SwitchyardCurl

final class CurlTests: XCTestCase {
    func testGlobalInitIsIdempotentAcrossThreads() {
        DispatchQueue.concurrentPerform(iterations: 8) { _ in Curl.globalInit() }
        XCTAssertTrue(Curl.isInitialized)
    }

    func testVersionIsTheLoadedLibrary() {
        let parts = Curl.version.split(separator: ".")
        XCTAssertGreaterThanOrEqual(parts.count, 2, Curl.version)
        XCTAssertNotNil(parts.first.flatMap { Int($0) }, Curl.version)
    }
}
