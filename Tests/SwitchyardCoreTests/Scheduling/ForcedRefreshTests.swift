@testable import SwitchyardCore
import XCTest

/// A 401 forces a refresh only when that cannot become a storm (see `ForcedRefresh`).
final class ForcedRefreshTests: XCTestCase {
    private let now: Int64 = 1_700_000_000

    func testAllowedForAnAccountNeitherBackingOffNorJustRefreshed() {
        var account = Account(id: "codex-000000000001", provider: .codex, refreshToken: "rt")
        XCTAssertTrue(ForcedRefresh.allowed(for: account, now: now), "never refreshed")
        account.lastRefreshedAt = now - 3600
        account.refreshStatus = .ok
        XCTAssertTrue(ForcedRefresh.allowed(for: account, now: now))
        account.refreshStatus = .failing
        account.nextRefreshAt = now - 1
        XCTAssertTrue(ForcedRefresh.allowed(for: account, now: now), "its backoff is over")
    }

    func testRefusedWhileTheBackoffRuns() {
        var account = Account(id: "claude-000000000001", provider: .claude, refreshToken: "rt")
        account.refreshStatus = .failing
        account.nextRefreshAt = now + 1800
        XCTAssertFalse(ForcedRefresh.allowed(for: account, now: now))
    }

    func testRefusedRightAfterARefresh() {
        var account = Account(id: "claude-000000000001", provider: .claude, refreshToken: "rt")
        account.lastRefreshedAt = now - 10
        XCTAssertFalse(ForcedRefresh.allowed(for: account, now: now))
        XCTAssertTrue(ForcedRefresh.allowed(for: account, now: now + ForcedRefresh.freshTokenAge))
    }
}
