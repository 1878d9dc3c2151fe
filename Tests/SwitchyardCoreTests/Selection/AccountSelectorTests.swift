import XCTest

@testable import SwitchyardCore

final class AccountSelectorTests: XCTestCase {
    private let now: Int64 = 1_800_000_000

    private func selector(_ strategy: SelectionStrategy, ids: [String], affinity: Int64 = 0) -> AccountSelector {
        var selector = AccountSelector(strategy: strategy, sessionAffinitySeconds: affinity, now: now)
        for id in ids { selector.upsert(RoutingAccount(id: id, expiresAt: now + 3600)) }
        return selector
    }

    private func picks(_ selector: inout AccountSelector, _ count: Int, at time: Int64? = nil) -> [String] {
        (0..<count).map { _ in
            guard case .account(let id) = selector.select(at: time ?? now) else { return "-" }
            return id
        }
    }

    func testStrategiesParseFromTheirConfigSpelling() {
        XCTAssertEqual(SelectionStrategy(rawValue: "round-robin"), .roundRobin)
        XCTAssertEqual(SelectionStrategy(rawValue: "fill-first"), .fillFirst)
        XCTAssertEqual(SelectionStrategy(rawValue: "least-used"), .leastUsed)
        XCTAssertNil(SelectionStrategy(rawValue: "random"))
    }

    func testRoundRobinTakesEachUsableAccountInTurn() {
        var selector = selector(.roundRobin, ids: ["c", "a", "b"])
        XCTAssertEqual(picks(&selector, 6), ["a", "b", "c", "a", "b", "c"])
    }

    func testFillFirstStaysOnTheFirstUntilItCools() {
        var selector = selector(.fillFirst, ids: ["b", "a", "c"])
        XCTAssertEqual(picks(&selector, 3), ["a", "a", "a"])
        selector.cool("a", until: now + 60)
        XCTAssertEqual(picks(&selector, 2), ["b", "b"])
        XCTAssertEqual(picks(&selector, 1, at: now + 60), ["a"], "back once its cooldown ended")
    }

    func testLeastUsedPrefersFewestInFlightThenLowestQuota() {
        var selector = AccountSelector(strategy: .leastUsed, sessionAffinitySeconds: 0, now: now)
        selector.upsert(RoutingAccount(id: "a", quotaUsedPercent: 50))
        selector.upsert(RoutingAccount(id: "b", quotaUsedPercent: 10))
        selector.upsert(RoutingAccount(id: "c", quotaUsedPercent: 30))
        XCTAssertEqual(selector.select(at: now), .account(id: "b"))
        selector.started("b")
        XCTAssertEqual(selector.select(at: now), .account(id: "c"))
        selector.started("c")
        selector.started("a")
        // All at one in flight: the quota decides again.
        XCTAssertEqual(selector.select(at: now), .account(id: "b"))
        selector.finished("a")
        XCTAssertEqual(selector.select(at: now), .account(id: "a"))
        selector.finished("b")
        selector.finished("c")
        XCTAssertEqual(selector.select(at: now), .account(id: "b"))
    }

    func testExcludedAccountsAreSkippedForEveryStrategy() {
        for strategy in SelectionStrategy.allCases {
            var selector = selector(strategy, ids: ["a", "b", "c"])
            let first = selector.select(at: now, excluding: ["a", "b"])
            XCTAssertEqual(first, .account(id: "c"), "\(strategy)")
            XCTAssertEqual(selector.select(at: now, excluding: ["a", "b", "c"]), .noneUsable, "\(strategy)")
            // Skipping leaves the structure intact.
            var seen = Set<String>()
            for _ in 0..<3 {
                if case .account(let id) = selector.select(at: now, excluding: seen) { seen.insert(id) }
            }
            XCTAssertEqual(seen, ["a", "b", "c"], "\(strategy)")
        }
    }

    func testCoolingAndExpiredAccountsAreNotChosen() {
        var selector = AccountSelector(strategy: .roundRobin, sessionAffinitySeconds: 0, now: now)
        selector.upsert(RoutingAccount(id: "cool", expiresAt: now + 3600, cooldownUntil: now + 30))
        selector.upsert(RoutingAccount(id: "old", expiresAt: now))
        selector.upsert(RoutingAccount(id: "ok", expiresAt: now + 10))
        XCTAssertEqual(picks(&selector, 3), ["ok", "ok", "ok"])
        XCTAssertEqual(selector.usableCount, 1)
        // At now+10 "ok" expires; "cool" is still cooling, "old" expired: not all cooling → 503.
        XCTAssertEqual(selector.select(at: now + 10), .noneUsable)
        XCTAssertEqual(picks(&selector, 2, at: now + 30), ["cool", "cool"])
    }

    func testAllCoolingGivesTheTimeUntilTheFirstIsUsable() {
        var selector = selector(.roundRobin, ids: ["a", "b"])
        selector.cool("a", until: now + 90)
        selector.cool("b", until: now + 40)
        XCTAssertEqual(selector.select(at: now), .allCooling(retryAfterSeconds: 40))
        XCTAssertEqual(selector.select(at: now + 39), .allCooling(retryAfterSeconds: 1))
        XCTAssertEqual(selector.select(at: now + 40), .account(id: "b"))
    }

    func testAnEmptyPoolHasNoUsableAccount() {
        var selector = AccountSelector(strategy: .roundRobin, sessionAffinitySeconds: 3600, now: now)
        XCTAssertEqual(selector.select(at: now, session: "s"), .noneUsable)
    }

    func testAnExhaustedModelSkipsOnlyThatModel() {
        var selector = selector(.fillFirst, ids: ["a", "b"])
        selector.cool("a", model: "gemini-2.5-pro", until: now + 600)
        XCTAssertEqual(selector.select(at: now, model: "gemini-2.5-pro"), .account(id: "b"))
        XCTAssertEqual(selector.select(at: now, model: "gemini-2.5-flash"), .account(id: "a"))
        selector.cool("b", model: "gemini-2.5-pro", until: now + 120)
        XCTAssertEqual(selector.select(at: now, model: "gemini-2.5-pro"), .allCooling(retryAfterSeconds: 120))
        XCTAssertEqual(selector.select(at: now + 120, model: "gemini-2.5-pro"), .account(id: "b"))
    }

    /// The request's own 429s exhausted the model on every account it tried: all cooling,
    /// not "none usable" (the client learns when to come back).
    func testAModelExhaustedOnTheAccountsARequestTriedIsAllCooling() {
        var selector = selector(.roundRobin, ids: ["a", "b"])
        selector.cool("a", model: "gemini-2.5-pro", until: now + 600)
        selector.cool("b", model: "gemini-2.5-pro", until: now + 120)
        XCTAssertEqual(selector.select(at: now, model: "gemini-2.5-pro", excluding: ["a", "b"]), .allCooling(retryAfterSeconds: 120))
        XCTAssertEqual(selector.select(at: now, model: "gemini-2.5-flash", excluding: ["a", "b"]), .noneUsable)
    }

    func testRemovedAccountsLeaveAtOnce() {
        var selector = selector(.leastUsed, ids: ["a", "b"])
        selector.remove("a")
        XCTAssertEqual(picks(&selector, 3), ["b", "b", "b"])
        selector.remove("b")
        XCTAssertEqual(selector.select(at: now), .noneUsable)
        XCTAssertEqual(selector.count, 0)
    }

    func testAnUpdateWithANewTokenBringsAnExpiredAccountBack() {
        var selector = AccountSelector(strategy: .roundRobin, sessionAffinitySeconds: 0, now: now)
        selector.upsert(RoutingAccount(id: "a", expiresAt: now + 5))
        XCTAssertEqual(selector.select(at: now + 5), .noneUsable)
        selector.upsert(RoutingAccount(id: "a", expiresAt: now + 3600))
        XCTAssertEqual(selector.select(at: now + 5), .account(id: "a"))
    }

    func testSessionsStayOnTheirAccountWhileItIsUsable() {
        var selector = selector(.roundRobin, ids: ["a", "b", "c"], affinity: 3600)
        guard case .account(let first) = selector.select(at: now, session: "s1") else { return XCTFail() }
        for offset in 1...5 {
            XCTAssertEqual(selector.select(at: now + Int64(offset), session: "s1"), .account(id: first))
        }
        // Another session is spread by the strategy as usual.
        guard case .account(let other) = selector.select(at: now + 6, session: "s2") else { return XCTFail() }
        XCTAssertNotEqual(other, first)
        // Cooling moves the session; it then stays on its new account.
        selector.cool(first, until: now + 1000)
        guard case .account(let moved) = selector.select(at: now + 7, session: "s1") else { return XCTFail() }
        XCTAssertNotEqual(moved, first)
        XCTAssertEqual(selector.select(at: now + 2000, session: "s1"), .account(id: moved))
    }

    func testSessionsMoveOffFailingAccountsAndLapse() {
        var selector = selector(.fillFirst, ids: ["a", "b"], affinity: 60)
        XCTAssertEqual(selector.select(at: now, session: "s"), .account(id: "a"))
        selector.upsert(RoutingAccount(id: "a", expiresAt: now + 3600, failing: true))
        // Fill-first would pick "a" again (failing accounts stay routable), but the session moves.
        XCTAssertEqual(selector.select(at: now + 1, session: "s"), .account(id: "b"))
        XCTAssertEqual(selector.select(at: now + 2), .account(id: "a"))
        selector.upsert(RoutingAccount(id: "a", expiresAt: now + 3600))
        XCTAssertEqual(selector.select(at: now + 3, session: "s"), .account(id: "b"), "bound to b now")
        // 60 s without a request: the binding lapses and fill-first applies.
        XCTAssertEqual(selector.select(at: now + 63, session: "s"), .account(id: "a"))
    }

    /// A retry that skips the session's account (it answered 5xx or overloaded: no penalty,
    /// SPEC §6.4) goes elsewhere once; the session stays bound to its account.
    func testARetryElsewhereDoesNotMoveTheSession() {
        var selector = selector(.roundRobin, ids: ["a", "b", "c"], affinity: 3600)
        guard case .account(let bound) = selector.select(at: now, session: "s") else { return XCTFail() }
        guard case .account(let retry) = selector.select(at: now + 1, session: "s", excluding: [bound]) else { return XCTFail() }
        XCTAssertNotEqual(retry, bound)
        for offset in 2...4 {
            XCTAssertEqual(selector.select(at: now + Int64(offset), session: "s"), .account(id: bound))
        }
        // Every account tried: the answer is about the pool, and the binding still holds.
        XCTAssertEqual(selector.select(at: now + 5, session: "s", excluding: ["a", "b", "c"]), .noneUsable)
        XCTAssertEqual(selector.select(at: now + 6, session: "s"), .account(id: bound))
    }

    func testAffinityOffIgnoresSessions() {
        var selector = selector(.roundRobin, ids: ["a", "b"], affinity: 0)
        XCTAssertEqual(selector.select(at: now, session: "s"), .account(id: "a"))
        XCTAssertEqual(selector.select(at: now, session: "s"), .account(id: "b"))
    }

    /// Against a straightforward model (scan every account, in id order), over random pool
    /// changes, cooldowns and time steps: the selector must agree on what is usable.
    func testAgreesWithALinearScanOverRandomHistories() {
        var random = SplitMix64(seed: 42)
        for strategy in SelectionStrategy.allCases {
            var selector = AccountSelector(strategy: strategy, sessionAffinitySeconds: 0, now: now)
            var model: [String: RoutingAccount] = [:]
            var time = now
            for _ in 0..<2000 {
                let id = "acct-\(random.next() % 20)"
                switch random.next() % 6 {
                case 0:
                    let account = RoutingAccount(id: id, expiresAt: time + Int64(random.next() % 50))
                    model[id] = account
                    selector.upsert(account)
                case 1:
                    model[id] = nil
                    selector.remove(id)
                case 2:
                    let until = time + Int64(random.next() % 30)
                    if var account = model[id] {
                        account.cooldownUntil = max(account.cooldownUntil ?? 0, until)
                        model[id] = account
                    }
                    selector.cool(id, until: until)
                default:
                    time += Int64(random.next() % 4)
                }
                let usable = Set(model.values.filter { $0.isUsable(at: time) }.map(\.id))
                switch selector.select(at: time) {
                case .account(let chosen):
                    XCTAssertTrue(usable.contains(chosen), "\(strategy): \(chosen) is not usable")
                    if strategy == .fillFirst { XCTAssertEqual(chosen, usable.min()) }
                case .allCooling:
                    XCTAssertTrue(usable.isEmpty)
                    XCTAssertTrue(model.values.allSatisfy { $0.isCooling(at: time) }, "\(strategy)")
                case .noneUsable:
                    XCTAssertTrue(usable.isEmpty, "\(strategy): \(usable) usable")
                }
                XCTAssertEqual(selector.usableCount, usable.count, "\(strategy)")
            }
        }
    }
}
