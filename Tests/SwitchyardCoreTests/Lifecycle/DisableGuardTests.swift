import SwitchyardCore
import XCTest

final class DisableGuardTests: XCTestCase {
    private let t0: Int64 = 1_700_000_000

    /// Admits one disable per entry of `times`, with N shrinking as accounts go.
    private func run(
        _ guardState: inout DisableGuard, times: [Int64], enabled: Int, fraction: Double = 0.5,
        provider: Provider = .codex, code: String = "invalid_grant"
    ) -> [Bool] {
        var enabled = enabled
        return times.map { time in
            let admitted = guardState.admit(
                provider: provider, code: code, enabledCount: enabled, now: time, fraction: fraction)
            if admitted { enabled -= 1 }
            return admitted
        }
    }

    func testLimitIsAFractionOfTheEnabledAccountsAtLeastOne() {
        let cases: [(Double, Int, Int)] = [
            (0.5, 10, 5), (0.5, 11, 5), (0.5, 1, 1), (0.5, 0, 1), (0, 100, 1), (1, 7, 7), (0.25, 10, 2),
            (2, 4, 4), (-1, 4, 1), (.nan, 4, 1),
        ]
        for (fraction, enabled, limit) in cases {
            XCTAssertEqual(DisableGuard.limit(fraction: fraction, enabledCount: enabled), limit, "\(fraction) × \(enabled)")
        }
    }

    func testHoldsTheRestWithinTenMinutes() {
        var guardState = DisableGuard()
        let results = run(&guardState, times: (0..<10).map { t0 + Int64($0) * 30 }, enabled: 10)
        XCTAssertEqual(results, [true, true, true, true, true, false, false, false, false, false])
    }

    func testSingleAccountPoolStillDisablesOne() {
        var guardState = DisableGuard()
        XCTAssertEqual(run(&guardState, times: [t0, t0 + 1], enabled: 1), [true, false])
    }

    func testNIsCountedBeforeTheFirstDisableOfTheRun() {
        var guardState = DisableGuard()
        // The run starts with N = 10 (limit 5); the shrinking counts passed later do not lower it.
        XCTAssertEqual(run(&guardState, times: [t0, t0 + 1, t0 + 2, t0 + 3, t0 + 4], enabled: 10), [true, true, true, true, true])
        XCTAssertFalse(guardState.admit(provider: .codex, code: "invalid_grant", enabledCount: 5, now: t0 + 5, fraction: 0.5))
    }

    func testSlidingWindowAdmitsAgainAsOldDisablesAgeOut() {
        var guardState = DisableGuard()
        XCTAssertEqual(run(&guardState, times: [t0, t0 + 100, t0 + 200], enabled: 6), [true, true, true])  // limit 3
        XCTAssertFalse(guardState.admit(provider: .codex, code: "invalid_grant", enabledCount: 3, now: t0 + 599, fraction: 0.5))
        // t0's disable leaves the window at t0 + 600; the run (limit 3 from N = 6) goes on.
        XCTAssertTrue(guardState.admit(provider: .codex, code: "invalid_grant", enabledCount: 3, now: t0 + 600, fraction: 0.5))
        XCTAssertFalse(guardState.admit(provider: .codex, code: "invalid_grant", enabledCount: 2, now: t0 + 650, fraction: 0.5))
    }

    func testAQuietWindowStartsANewRunWithAFreshN() {
        var guardState = DisableGuard()
        XCTAssertEqual(run(&guardState, times: [t0, t0 + 1, t0 + 2, t0 + 3, t0 + 4, t0 + 5], enabled: 10),
                       [true, true, true, true, true, false])
        // Ten quiet minutes after the last admitted disable: N = 4 now, limit 2.
        XCTAssertEqual(run(&guardState, times: [t0 + 604, t0 + 605, t0 + 606], enabled: 4), [true, true, false])
    }

    func testKeysAreProviderAndCode() {
        var guardState = DisableGuard()
        XCTAssertEqual(run(&guardState, times: [t0, t0], enabled: 2), [true, false])
        XCTAssertEqual(run(&guardState, times: [t0], enabled: 2, code: "token_expired"), [true])
        XCTAssertEqual(run(&guardState, times: [t0], enabled: 2, provider: .claude), [true])
    }

    /// The documented guarantee, checked on a long random sequence: no 10-minute span holds
    /// more admitted disables than max(1, ⌊fraction × N⌋) for the N of its run — here N never
    /// exceeds 20, so never more than 10.
    func testNoTenMinuteSpanExceedsTheLimit() {
        var generator = LifecycleFixtures.SeededGenerator(seed: 99)
        var guardState = DisableGuard()
        var time = t0
        var admittedTimes: [Int64] = []
        for _ in 0..<3000 {
            time += Int64.random(in: 0...40, using: &generator)
            if guardState.admit(provider: .gemini, code: "invalid_grant", enabledCount: 20, now: time, fraction: 0.5) {
                admittedTimes.append(time)
            }
        }
        XCTAssertGreaterThan(admittedTimes.count, 20, "the guard must not hold forever")
        for (index, start) in admittedTimes.enumerated() {
            let inWindow = admittedTimes[index...].prefix { $0 - start < DisableGuard.window }.count
            XCTAssertLessThanOrEqual(inWindow, 10, "window starting at \(start)")
        }
    }
}
