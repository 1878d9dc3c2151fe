import SwitchyardCore
import XCTest

final class JitteredBackoffTests: XCTestCase {
    private let refresh = JitteredBackoff(initial: .seconds(30), max: .seconds(1800))

    func testBaseDoublesUpToMax() {
        let steps = (0..<10).map { refresh.base(step: $0) }
        XCTAssertEqual(steps, [30, 60, 120, 240, 480, 960, 1800, 1800, 1800, 1800].map { Duration.seconds($0) })
        XCTAssertEqual(refresh.base(step: -3), .seconds(30))
        XCTAssertEqual(refresh.base(step: Int.max), .seconds(1800))
    }

    func testJitterStaysWithinTwentyPercentAndSpreads() {
        var generator = LifecycleFixtures.SeededGenerator(seed: 42)
        for step in [0, 3, 6, 40] {
            let base = refresh.base(step: step)
            let samples = (0..<2000).map { _ in refresh.delay(step: step, using: &generator) }
            XCTAssertTrue(samples.allSatisfy { $0 >= base * 0.8 && $0 <= base * 1.2 }, "step \(step)")
            // Both halves of the range are used, near its ends: it is jitter, not a constant.
            XCTAssertLessThan(samples.min()!, base * 0.82, "step \(step)")
            XCTAssertGreaterThan(samples.max()!, base * 1.18, "step \(step)")
        }
    }

    func testSameSeedSameDelays() {
        var first = LifecycleFixtures.SeededGenerator(seed: 7)
        var second = LifecycleFixtures.SeededGenerator(seed: 7)
        var other = LifecycleFixtures.SeededGenerator(seed: 8)
        let a = (0..<5).map { refresh.delay(step: $0, using: &first) }
        let b = (0..<5).map { refresh.delay(step: $0, using: &second) }
        let c = (0..<5).map { refresh.delay(step: $0, using: &other) }
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testInitRepairsInvertedBounds() {
        let backoff = JitteredBackoff(initial: .seconds(60), max: .seconds(10))
        XCTAssertEqual(backoff.max, .seconds(60))
        XCTAssertEqual(backoff.base(step: 5), .seconds(60))
        var generator = LifecycleFixtures.SeededGenerator(seed: 1)
        XCTAssertEqual(JitteredBackoff(initial: .zero, max: .zero).delay(step: 3, using: &generator), .zero)
    }

    func testRetryAfterClamp() {
        let cases: [(Duration, Duration)] = [
            (.zero, .seconds(5)), (.seconds(1), .seconds(5)), (.seconds(5), .seconds(5)), (.seconds(42), .seconds(42)),
            (.seconds(300), .seconds(300)), (.seconds(301), .seconds(300)), (.seconds(86_400), .seconds(300)),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(JitteredBackoff.retryAfterClamp(input), expected, "\(input)")
        }
        XCTAssertEqual(JitteredBackoff.retryAfterClamp(.seconds(10), floor: .seconds(60), ceiling: .seconds(900)), .seconds(60))
    }
}
