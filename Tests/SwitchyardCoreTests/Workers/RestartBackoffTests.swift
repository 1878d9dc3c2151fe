import SwitchyardCore
import XCTest

final class RestartBackoffTests: XCTestCase {
    func testDoublesUpToSixtySeconds() {
        var backoff = RestartBackoff()
        let delays = (0..<9).map { _ in backoff.delayAfterCrash(uptime: .milliseconds(100)) }
        XCTAssertEqual(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
    }

    func testResetsAfterSixtyHealthySeconds() {
        var backoff = RestartBackoff()
        for _ in 0..<5 { _ = backoff.delayAfterCrash(uptime: .seconds(1)) }
        XCTAssertEqual(backoff.delayAfterCrash(uptime: .seconds(59)), .seconds(32))
        XCTAssertEqual(backoff.delayAfterCrash(uptime: .seconds(60)), .seconds(1))
        XCTAssertEqual(backoff.delayAfterCrash(uptime: .seconds(2)), .seconds(2))
    }
}
