import SwitchyardCore
import XCTest

final class ConfigPercentageTests: XCTestCase {
    func testAcceptedForms() {
        let table: [(String, Double)] = [
            ("50%", 0.5), ("0.5", 0.5), ("0%", 0), ("0", 0), ("100%", 1), ("1", 1), ("12.5%", 0.125), ("1.0", 1),
        ]
        for (text, fraction) in table {
            let parsed = ConfigPercentage.parse(text)
            XCTAssertNotNil(parsed, text)
            XCTAssertEqual(parsed ?? -1, fraction, accuracy: 1e-12, text)
        }
    }

    func testRejectedForms() {
        for text in ["", "%", "50", "150%", "1.5", "-10%", "-0.1", "abc", "inf", "nan", "1e-1", "50 %", ".5", "5.%"] {
            XCTAssertNil(ConfigPercentage.parse(text), text)
        }
    }

    func testFormat() {
        XCTAssertEqual(ConfigPercentage.format(0.5), "50%")
        XCTAssertEqual(ConfigPercentage.format(0.125), "12.5%")
    }
}
