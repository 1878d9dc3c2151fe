import Foundation
import XCTest

@testable import SwitchyardCore

final class QuotaTests: XCTestCase {
    func testQuotaCodableUsesSnakeCase() throws {
        let quota = try XCTUnwrap(AccountFixtures.full.quota)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(quota.windows[0]), as: UTF8.self)
        XCTAssertEqual(text, #"{"name":"primary","resets_at":1700018000,"used_percent":42.5}"#)
        XCTAssertEqual(try JSONDecoder().decode(Quota.self, from: encoder.encode(quota)), quota)
    }

    func testMissingWindowsMeansNone() throws {
        let quota = try JSONDecoder().decode(Quota.self, from: Data(#"{"status":"unavailable","message":"403"}"#.utf8))
        XCTAssertEqual(quota, Quota(status: "unavailable", message: "403"))
    }

    /// NaN has no JSON form; writing it as null would make the account file unreadable.
    func testNonFiniteUsedPercentIsWrittenAsZero() throws {
        let window = QuotaWindow(name: "w", usedPercent: .nan)
        let decoded = try JSONDecoder().decode(QuotaWindow.self, from: JSONEncoder().encode(window))
        XCTAssertEqual(decoded.usedPercent, 0)
    }
}
