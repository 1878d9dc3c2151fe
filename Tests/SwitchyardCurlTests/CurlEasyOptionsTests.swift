import XCTest
@testable import SwitchyardCurl

final class CurlEasyOptionsTests: XCTestCase {
    /// libcurl reads 0 as "no limit": a tiny or zero duration must never become 0.
    func testMilliseconds() {
        let cases: [(Duration, Int)] = [
            (.zero, 1), (.seconds(-3), 1), (.nanoseconds(1), 1), (.microseconds(1500), 2),
            (.milliseconds(300), 300), (.seconds(2), 2000), (.seconds(90) + .milliseconds(1), 90_001),
        ]
        for (duration, expected) in cases {
            XCTAssertEqual(CurlEasyOptions.milliseconds(duration), expected, "\(duration)")
        }
    }
}
