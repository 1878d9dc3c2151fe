import SwitchyardCore
import XCTest

final class QuotaPlannerTests: XCTestCase {
    func testDueTimeRules() {
        let interval = Duration.seconds(300)
        let base = Account(
            id: "gemini-1", provider: .gemini, accessToken: "at", refreshToken: "rt", expiresAt: 50_000,
            quota: Quota(checkedAt: 1_000))
        func with(_ change: (inout Account) -> Void) -> Account {
            var account = base
            change(&account)
            return account
        }
        let cases: [(String, Account, Int64?)] = [
            ("checked_at plus interval", base, 1_300),
            ("next_check_at wins (backoff)", with { $0.quota?.nextCheckAt = 2_000 }, 2_000),
            ("next_check_at earlier", with { $0.quota?.nextCheckAt = 1_100 }, 1_100),
            ("never read is due now", with { $0.quota = nil }, 0),
            ("disabled", with { $0.disabled = true }, nil),
            ("no access token", with { $0.accessToken = nil }, nil),
            ("empty access token", with { $0.accessToken = "" }, nil),
            ("ok: the plan follows the interval in force", with { $0.quota = read("ok", next: 4_600) }, 1_300),
            ("unavailable is no failure", with { $0.quota = read("unavailable", next: 1_060) }, 1_300),
            ("failing: the backoff wins", with { $0.quota = read("failing", next: 2_000) }, 2_000),
            ("failing: even a short one", with { $0.quota = read("failing", next: 1_100) }, 1_100),
        ]
        for (name, account, expected) in cases {
            XCTAssertEqual(QuotaPlanner.dueTime(for: account, interval: interval), expected, name)
        }
        let waiting = with { $0.quota = read("ok", next: 1_120) }
        XCTAssertEqual(QuotaPlanner.dueTime(for: waiting, interval: interval, awaitingRefresh: true), 1_120,
                       "the wait for a forced refresh after a 401 is kept though the last read was ok")
    }

    private func read(_ status: String, next: Int64) -> Quota {
        Quota(checkedAt: 1_000, status: status, nextCheckAt: next)
    }

    /// A reload of `quota-interval` re-runs `schedule` for every account: reads planned with
    /// the old interval move, in either direction; a backoff in progress stays.
    func testIntervalChangeMovesPlannedReadsButNotBackoffs() {
        var planner = QuotaPlanner(interval: .seconds(300))
        let planned = Account(id: "p", provider: .claude, accessToken: "at", quota: read("ok", next: 1_300))
        let backingOff = Account(id: "b", provider: .claude, accessToken: "at", quota: read("failing", next: 1_600))
        planner.schedule(planned)
        planner.schedule(backingOff)
        XCTAssertEqual(planner.scheduledDue("p"), 1_300)

        planner.update(interval: .seconds(60))
        planner.schedule(planned)
        planner.schedule(backingOff)
        XCTAssertEqual(planner.scheduledDue("p"), 1_060, "a shorter interval takes effect within it")
        XCTAssertEqual(planner.scheduledDue("b"), 1_600, "the backoff is not cut short")

        planner.update(interval: .seconds(3_600))
        planner.schedule(planned)
        XCTAssertEqual(planner.scheduledDue("p"), 4_600)
    }

    func testIntervalUpdateAppliesToLaterSchedules() {
        var planner = QuotaPlanner(interval: .seconds(300))
        let account = Account(id: "a", provider: .claude, accessToken: "at", quota: Quota(checkedAt: 1_000))
        planner.schedule(account)
        XCTAssertEqual(planner.scheduledDue("a"), 1_300)
        planner.update(interval: .seconds(60))
        XCTAssertEqual(planner.interval, .seconds(60))
        planner.schedule(account)
        XCTAssertEqual(planner.scheduledDue("a"), 1_060)
    }

    func testBoundedConcurrencyAndSingleFlightWithoutSpacing() {
        var planner = QuotaPlanner(interval: .seconds(300), concurrency: 3)
        for index in 0..<5 { planner.schedule("q\(index)", dueAt: 0) }
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["q0", "q1", "q2"])
        planner.requestNow("q0")
        planner.finished("q1")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["q3"])
        XCTAssertEqual(planner.inFlight, 3)
        XCTAssertNil(planner.nextWakeUp(nowUnix: 0, nowMs: 0))
        planner.finished("q0")
        planner.unschedule("q4")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), [])
        XCTAssertEqual(planner.scheduledCount, 0)
    }

    func testDefaultConcurrency() {
        var planner = QuotaPlanner(interval: .seconds(300))
        for index in 0..<100 { planner.schedule("q\(index)", dueAt: 0) }
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0).count, QuotaPlanner.defaultConcurrency)
    }
}
