import SwitchyardCore
import XCTest

final class ConfigDurationTests: XCTestCase {
    func testAcceptedForms() {
        let table: [(text: String, expected: Duration)] = [
            ("0", .zero),
            ("0s", .zero),
            ("250ms", .milliseconds(250)),
            ("1.5s", .milliseconds(1500)),
            ("30s", .seconds(30)),
            ("5m", .seconds(300)),
            ("1h", .seconds(3600)),
            ("1h30m", .seconds(5400)),
            ("2m30s", .seconds(150)),
            ("1m500ms", .milliseconds(60_500)),
            ("1ms", .milliseconds(1)),
            ("0.5h", .seconds(1800)),
            ("1.123456789s", .nanoseconds(1_123_456_789)),
            ("1.1234567899s", .nanoseconds(1_123_456_789)),
            ("30s1h", .seconds(3630)),
        ]
        for row in table {
            XCTAssertEqual(ConfigDuration.parse(row.text), row.expected, row.text)
        }
    }

    func testRejectedForms() {
        for text in ["", "5", "5x", "-1s", "-0s", "1.s", ".5s", "1 s", "1h 30m", "s", "ms", "1sm", "1d", "0x10s",
                     "1.5", "h1", "99999999999999999999h", "3000000h"] {
            XCTAssertNil(ConfigDuration.parse(text), text)
        }
    }

    func testFormat() {
        let table: [(Duration, String)] = [
            (.zero, "0s"), (.milliseconds(250), "250ms"), (.milliseconds(1500), "1.5s"), (.seconds(30), "30s"),
            (.seconds(300), "5m"), (.seconds(5400), "1h30m"), (.seconds(3601), "1h1s"),
            (.milliseconds(60_500), "1m0.5s"), (.nanoseconds(1), "0.000000001s"),
        ]
        for (duration, text) in table {
            XCTAssertEqual(ConfigDuration.format(duration), text)
            XCTAssertEqual(ConfigDuration.parse(text), duration, "round trip of \(text)")
        }
    }
}
