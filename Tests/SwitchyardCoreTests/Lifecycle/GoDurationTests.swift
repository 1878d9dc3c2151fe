import SwitchyardCore
import XCTest

final class GoDurationTests: XCTestCase {
    func testParsesGoDurationStrings() {
        let cases: [(String, Duration?)] = [
            ("3h2m", .seconds(3 * 3600 + 2 * 60)),
            ("10.5s", .milliseconds(10_500)),
            ("1.5ms", .microseconds(1_500)),
            ("1h0m0s", .seconds(3600)),
            ("0", .zero),
            ("0s", .zero),
            ("250us", .microseconds(250)),
            ("250µs", .microseconds(250)),
            ("250μs", .microseconds(250)),
            ("42ns", .nanoseconds(42)),
            ("2m30.25s", .milliseconds(150_250)),
            (".5s", .milliseconds(500)),
            ("1.000000000001s", .seconds(1)),
            ("", nil),
            ("10", nil),
            ("-1s", nil),
            ("1d", nil),
            ("s", nil),
            (".s", nil),
            ("1.5", nil),
            ("3h 2m", nil),
            ("99999999999999999999h", nil),
            ("3000000h", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(GoDuration.parse(text), expected, text)
        }
    }
}
