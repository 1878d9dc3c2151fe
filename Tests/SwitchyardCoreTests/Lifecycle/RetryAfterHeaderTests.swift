@testable import SwitchyardCore
import XCTest

final class RetryAfterHeaderTests: XCTestCase {
    private let now = LifecycleFixtures.now  // Tue, 14 Nov 2023 22:13:20 GMT

    func testParsesSecondsAndDates() {
        let cases: [(String, Duration?)] = [
            ("120", .seconds(120)), (" 7 ", .seconds(7)), ("1.5", .milliseconds(1500)), ("0", .zero),
            ("-1", nil), ("nan", nil), ("", nil), ("soon", nil),
            ("Tue, 14 Nov 2023 22:14:20 GMT", .seconds(60)),
            ("Tue, 14 Nov 2023 22:00:00 GMT", .zero),
            ("Tue, 14 Nov 2023 22:14:20 UTC", nil),
            ("Tue, 14 Foo 2023 22:14:20 GMT", nil),
            ("99999999999", .seconds(7 * 86_400)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(RetryAfterHeader.parse(text, now: now), expected, text)
        }
    }

    /// What a worker reports (the protocol's `retry_after_seconds` is an integer): either form,
    /// rounded up, so a date or "1.5" is not lost on the way to the supervisor.
    func testWholeSecondsRoundUpAndReadDates() {
        let cases: [(String, Int?)] = [
            ("120", 120), ("1.5", 2), ("0.001", 1), ("0", 0), ("soon", nil),
            ("Tue, 14 Nov 2023 22:14:20 GMT", 60), ("Tue, 14 Nov 2023 22:00:00 GMT", 0),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(RetryAfterHeader.wholeSeconds(text, now: now), expected, text)
        }
    }

    func testIMFFixdate() {
        XCTAssertEqual(RetryAfterHeader.parseIMFFixdate("Thu, 01 Jan 1970 00:00:00 GMT"), 0)
        XCTAssertEqual(RetryAfterHeader.parseIMFFixdate("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(RetryAfterHeader.parseIMFFixdate("Thu, 29 Feb 2024 12:00:00 GMT"), 1_709_208_000)
    }
}
