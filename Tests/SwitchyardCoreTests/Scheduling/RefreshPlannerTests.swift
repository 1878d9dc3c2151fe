import SwitchyardCore
import XCTest

final class RefreshPlannerTests: XCTestCase {
    // MARK: dueTime

    func testDueTimeRules() {
        let lead = Duration.seconds(300)
        let base = Account(id: "claude-1", provider: .claude, accessToken: "at", refreshToken: "rt", expiresAt: 10_000)
        func with(_ change: (inout Account) -> Void) -> Account {
            var account = base
            change(&account)
            return account
        }
        func status(_ status: RefreshStatus, next: Int64, expiresAt: Int64? = 10_000) -> Account {
            with { $0.refreshStatus = status; $0.nextRefreshAt = next; $0.expiresAt = expiresAt }
        }
        let cases: [(String, Account, Duration, Int64?)] = [
            ("expiry minus lead", base, lead, 9_700),
            ("fractional lead rounds up", base, .milliseconds(299_500), 9_700),
            ("zero lead", base, .zero, 10_000),
            ("disabled", with { $0.disabled = true }, lead, nil),
            ("no refresh token", with { $0.refreshToken = nil }, lead, nil),
            ("empty refresh token", with { $0.refreshToken = "" }, lead, nil),
            ("unknown expiry, never refreshed: due now", with { $0.expiresAt = nil }, lead, 0),
            ("unknown expiry after a refresh", with { $0.expiresAt = nil; $0.lastRefreshedAt = 1_000 }, lead, 3_700),
            ("backoff later than expiry wins", status(.failing, next: 12_000), lead, 12_000),
            ("backoff earlier than expiry wins", status(.failing, next: 5_000), lead, 5_000),
            ("next_refresh_at without status wins", with { $0.nextRefreshAt = 11_000 }, lead, 11_000),
            ("ok: a later next_refresh_at cannot delay", status(.ok, next: 12_000), lead, 9_700),
            ("ok: an earlier one (operator enable) applies", status(.ok, next: 5_000), lead, 5_000),
            ("ok without expiry", status(.ok, next: 5_000, expiresAt: nil), lead, 0),
            ("backoff without expiry", status(.failing, next: 42, expiresAt: nil), lead, 42),
            ("disabled beats backoff", with { $0.disabled = true; $0.nextRefreshAt = 42 }, lead, nil),
            ("no clamp trap", with { $0.expiresAt = Int64.min + 5 }, lead, Int64.min),
        ]
        for (name, account, lead, expected) in cases {
            XCTAssertEqual(RefreshPlanner.dueTime(for: account, lead: lead), expected, name)
        }
    }

    func testScheduleAccountUsesLeadAndUnschedulesWhenNotRefreshable() {
        var planner = RefreshPlanner(concurrency: 2, burstDelay: .zero, lead: .seconds(60))
        var account = Account(id: "codex-1", provider: .codex, refreshToken: "rt", expiresAt: 1_000)
        planner.schedule(account)
        XCTAssertEqual(planner.scheduledDue("codex-1"), 940)
        account.disabled = true
        planner.schedule(account)
        XCTAssertNil(planner.scheduledDue("codex-1"))
        XCTAssertEqual(planner.nextDispatches(nowUnix: 5_000, nowMs: 0), [])
    }

    // MARK: dispatching

    func testDispatchesDueAccountsInDueOrderUpToConcurrency() {
        var planner = RefreshPlanner(concurrency: 2, burstDelay: .zero, lead: .zero)
        planner.schedule("c", dueAt: 30)
        planner.schedule("a", dueAt: 10)
        planner.schedule("b", dueAt: 20)
        planner.schedule("late", dueAt: 1_000)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 5, nowMs: 0), [])
        XCTAssertEqual(planner.nextDispatches(nowUnix: 100, nowMs: 0), ["a", "b"])
        XCTAssertEqual(planner.inFlight, 2)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 100, nowMs: 0), [])
        planner.finished("a")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 100, nowMs: 0), ["c"])
        XCTAssertEqual(planner.scheduledCount, 1)
    }

    func testSameDueTimeIsFirstComeFirstServed() {
        var planner = RefreshPlanner(concurrency: 10, burstDelay: .zero, lead: .zero)
        for id in ["x", "y", "z", "w"] { planner.schedule(id, dueAt: 7) }
        planner.schedule("y", dueAt: 7)  // rescheduling moves it to the back of its second
        XCTAssertEqual(planner.nextDispatches(nowUnix: 7, nowMs: 0), ["x", "z", "w", "y"])
    }

    func testBurstSpacingAllowsOneDispatchPerDelay() {
        var planner = RefreshPlanner(concurrency: 10, burstDelay: .milliseconds(1_500), lead: .zero)
        for index in 0..<4 { planner.schedule("a\(index)", dueAt: 0) }
        XCTAssertEqual(planner.nextDispatches(nowUnix: 1, nowMs: 10_000), ["a0"])
        XCTAssertEqual(planner.nextDispatches(nowUnix: 1, nowMs: 10_000), [])
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 1, nowMs: 10_400), .milliseconds(1_100))
        XCTAssertEqual(planner.nextDispatches(nowUnix: 1, nowMs: 11_499), [])
        XCTAssertEqual(planner.nextDispatches(nowUnix: 1, nowMs: 11_500), ["a1"])
        XCTAssertEqual(planner.nextDispatches(nowUnix: 9, nowMs: 20_000), ["a2"])
        // Spacing is between dispatches, not between a finish and a dispatch.
        planner.finished("a0")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 9, nowMs: 20_100), [])
    }

    func testBurstSpacingOverASimulatedRun() {
        var planner = RefreshPlanner(concurrency: 3, burstDelay: .milliseconds(250), lead: .zero)
        for index in 0..<50 { planner.schedule("a\(index)", dueAt: 0) }
        var dispatchTimes: [Int64] = []
        var running: [(String, Int64)] = []
        for ms in stride(from: Int64(0), through: 60_000, by: 10) {
            running.removeAll { entry in
                if entry.1 <= ms { planner.finished(entry.0) }
                return entry.1 <= ms
            }
            for id in planner.nextDispatches(nowUnix: 0, nowMs: ms) {
                dispatchTimes.append(ms)
                running.append((id, ms + 600))
            }
            XCTAssertLessThanOrEqual(planner.inFlight, 3)
        }
        XCTAssertEqual(dispatchTimes.count, 50)
        for (earlier, later) in zip(dispatchTimes, dispatchTimes.dropFirst()) {
            XCTAssertGreaterThanOrEqual(later - earlier, 250)
        }
    }

    func testShrinkAdmitsNothingUntilBelowNewBoundThenGrowAdmitsMore() {
        var planner = RefreshPlanner(concurrency: 4, burstDelay: .zero, lead: .zero)
        for index in 0..<10 { planner.schedule("a\(index)", dueAt: 0) }
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["a0", "a1", "a2", "a3"])
        planner.update(concurrency: 2, burstDelay: .zero, lead: .zero)
        XCTAssertEqual(planner.concurrency, 2)
        planner.finished("a0")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), [], "3 in flight, bound 2")
        XCTAssertNil(planner.nextWakeUp(nowUnix: 0, nowMs: 0))
        planner.finished("a1")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), [], "2 in flight, bound 2")
        planner.finished("a2")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["a4"])
        XCTAssertEqual(planner.inFlight, 2)
        planner.update(concurrency: 5, burstDelay: .zero, lead: .zero)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["a5", "a6", "a7"])
        XCTAssertEqual(planner.inFlight, 5)
    }

    func testNonPositiveConcurrencyActsAsOne() {
        var planner = RefreshPlanner(concurrency: 0, burstDelay: .zero, lead: .zero)
        planner.schedule("a", dueAt: 0)
        planner.schedule("b", dueAt: 0)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["a"])
    }

    func testSingleFlightPerAccount() {
        var planner = RefreshPlanner(concurrency: 5, burstDelay: .zero, lead: .zero)
        planner.schedule("a", dueAt: 0)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["a"])
        XCTAssertTrue(planner.isInFlight("a"))
        XCTAssertNil(planner.scheduledDue("a"), "a dispatched account leaves the schedule")
        planner.schedule("a", dueAt: 0)
        planner.requestNow("a")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 10, nowMs: 0), [], "never two calls for one account")
        XCTAssertNil(planner.nextWakeUp(nowUnix: 10, nowMs: 0))
        planner.finished("a")
        XCTAssertFalse(planner.isInFlight("a"))
        XCTAssertEqual(planner.scheduledDue("a"), 0, "the time given while in flight applies now")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 10, nowMs: 0), ["a"])
        planner.finished("a")
        planner.finished("a")  // twice (e.g. a crashed worker): harmless
        XCTAssertEqual(planner.inFlight, 0)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 10_000, nowMs: 0), [], "not rescheduled by itself")
    }

    func testRequestNowJumpsTheQueue() {
        var planner = RefreshPlanner(concurrency: 1, burstDelay: .zero, lead: .zero)
        planner.schedule("early", dueAt: 0)
        planner.schedule("later", dueAt: 500)
        planner.requestNow("later")
        planner.requestNow("unknown")
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 0, nowMs: 0), .zero)
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["later"])
        planner.finished("later")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["unknown"])
        planner.finished("unknown")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 0, nowMs: 0), ["early"])
    }

    func testUnschedule() {
        var planner = RefreshPlanner(concurrency: 3, burstDelay: .zero, lead: .zero)
        planner.schedule("a", dueAt: 1)
        planner.schedule("b", dueAt: 2)
        planner.unschedule("a")
        planner.unschedule("never-scheduled")
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 0, nowMs: 0), .seconds(2), "the unscheduled top is gone")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 5, nowMs: 0), ["b"])
        // Unscheduling an account in flight drops the time given during the call.
        planner.schedule("b", dueAt: 3)
        planner.unschedule("b")
        planner.finished("b")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 50, nowMs: 0), [])
        XCTAssertEqual(planner.scheduledCount, 0)
    }

    func testNextWakeUp() {
        var planner = RefreshPlanner(concurrency: 1, burstDelay: .seconds(5), lead: .zero)
        XCTAssertNil(planner.nextWakeUp(nowUnix: 0, nowMs: 0), "nothing scheduled")
        planner.schedule("a", dueAt: 100)
        planner.schedule("b", dueAt: 101)
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 40, nowMs: 0), .seconds(60))
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 100, nowMs: 0), .zero)
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 200, nowMs: 0), .zero, "overdue")
        XCTAssertEqual(planner.nextDispatches(nowUnix: 200, nowMs: 1_000), ["a"])
        XCTAssertNil(planner.nextWakeUp(nowUnix: 200, nowMs: 1_000), "every slot taken")
        planner.finished("a")
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 200, nowMs: 2_000), .seconds(4), "burst spacing decides")
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 98, nowMs: 2_000), .seconds(4), "later of due and spacing")
        XCTAssertEqual(planner.nextWakeUp(nowUnix: 90, nowMs: 2_000), .seconds(11))
    }

    /// Many reschedules of one account must not leave it dispatchable twice nor grow memory
    /// visibly (stale entries are compacted).
    func testReschedulingIsIdempotent() {
        var planner = RefreshPlanner(concurrency: 100, burstDelay: .zero, lead: .zero)
        for round in 0..<10_000 {
            planner.schedule("a", dueAt: Int64(round % 7))
            planner.schedule("b", dueAt: Int64(round % 5))
        }
        XCTAssertEqual(planner.scheduledCount, 2)
        XCTAssertEqual(planner.scheduledDue("a"), 9_999 % 7)
        XCTAssertEqual(Set(planner.nextDispatches(nowUnix: 10, nowMs: 0)), ["a", "b"])
        XCTAssertEqual(planner.nextDispatches(nowUnix: 10, nowMs: 0), [])
    }

    // MARK: simulation

    /// 10,000 accounts due over ten minutes, calls lasting 1–20 s, concurrency changed
    /// mid-run (shrink, then grow): the bound is never exceeded, nothing is dispatched twice
    /// while in flight, nothing is dispatched before it is due, and every account is served.
    func testSimulatedRunOfTenThousandAccounts() {
        var random = SplitMix64(seed: 42)
        var planner = RefreshPlanner(concurrency: 16, burstDelay: .zero, lead: .seconds(300))
        var dueAt: [String: Int64] = [:]
        for index in 0..<10_000 {
            let id = "codex-\(index)"
            let due = Int64(random.next() % 600)
            dueAt[id] = due
            planner.schedule(id, dueAt: due)
        }
        var running: [String: Int64] = [:]  // id → finish time (seconds)
        var served: Set<String> = []
        var bound = 16
        var now: Int64 = 0
        while served.count < 10_000, now < 100_000 {
            for (id, end) in running where end <= now {
                running[id] = nil
                planner.finished(id)
            }
            if now == 200 { bound = 4; planner.update(concurrency: 4, burstDelay: .zero, lead: .seconds(300)) }
            if now == 900 { bound = 32; planner.update(concurrency: 32, burstDelay: .zero, lead: .seconds(300)) }
            let inFlightBefore = running.count
            let started = planner.nextDispatches(nowUnix: now, nowMs: now * 1_000)
            if inFlightBefore >= bound { XCTAssertEqual(started, [], "admitted above the bound at \(now)") }
            for id in started {
                XCTAssertNil(running[id], "\(id) dispatched twice")
                XCTAssertLessThanOrEqual(dueAt[id] ?? .max, now, "\(id) dispatched early")
                XCTAssertTrue(served.insert(id).inserted, "\(id) served twice")
                running[id] = now + 1 + Int64(random.next() % 20)
            }
            XCTAssertEqual(planner.inFlight, running.count)
            XCTAssertLessThanOrEqual(planner.inFlight, max(bound, inFlightBefore))
            if inFlightBefore <= bound { XCTAssertLessThanOrEqual(planner.inFlight, bound) }
            now += 1
        }
        XCTAssertEqual(served.count, 10_000)
        XCTAssertEqual(planner.scheduledCount, 0)
    }
}
