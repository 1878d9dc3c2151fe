import SwitchyardCore
import XCTest

final class ConfigSizeTests: XCTestCase {
    func testAcceptedForms() {
        let table: [(String, Int)] = [
            ("0", 0), ("1024", 1024), ("1KiB", 1024), ("512KiB", 524_288), ("32MiB", 33_554_432), ("1GiB", 1_073_741_824),
        ]
        for (text, bytes) in table {
            XCTAssertEqual(ConfigSize.parse(text), bytes, text)
        }
    }

    func testRejectedForms() {
        for text in ["", "MiB", "1.5MiB", "-1", "-1KiB", "32MB", "32mib", "32 MiB", "1TiB", "0x10", "+5",
                     "99999999999999999999", "9999999999999GiB"] {
            XCTAssertNil(ConfigSize.parse(text), text)
        }
    }

    func testFormat() {
        XCTAssertEqual(ConfigSize.format(33_554_432), "32MiB")
        XCTAssertEqual(ConfigSize.format(1536), "1536")
        XCTAssertEqual(ConfigSize.format(2048), "2KiB")
        XCTAssertEqual(ConfigSize.format(0), "0")
    }
}
