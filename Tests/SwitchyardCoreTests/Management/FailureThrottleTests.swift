import XCTest

@testable import SwitchyardCore

final class FailureThrottleTests: XCTestCase {
    private let start = Duration.seconds(1000)

    /// The delays of `count` failures from one client, all at `start`.
    private func delays(_ throttle: inout FailureThrottle, _ count: Int, from client: String = "10.0.0.1") -> [Duration] {
        (0..<count).map { _ in throttle.failure(from: client, at: start) }
    }

    func testTheFirstFailuresAreFreeThenTheDelayDoublesUpToTheCap() {
        var throttle = FailureThrottle()
        let expected: [Duration] = [.zero, .zero, .zero, .zero, .zero,
                                    .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                                    .milliseconds(1600), .milliseconds(3200), .seconds(4), .seconds(4), .seconds(4)]
        XCTAssertEqual(delays(&throttle, expected.count), expected)
        XCTAssertEqual(throttle.delay(forScore: 1_000_000), .seconds(4), "the doubling stops at the cap, never overflows")
    }

    func testClientsAreCountedApart() {
        var throttle = FailureThrottle()
        _ = delays(&throttle, 8, from: "10.0.0.1")
        XCTAssertEqual(throttle.failure(from: "10.0.0.2", at: start), .zero)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start), 8)
        XCTAssertEqual(throttle.score(of: "10.0.0.2", at: start), 1)
        XCTAssertEqual(throttle.score(of: "10.0.0.3", at: start), 0)
    }

    func testOneFailureIsForgivenPerQuietStep() {
        var throttle = FailureThrottle()
        _ = delays(&throttle, 8)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(29)), 8)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(30)), 7)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(95)), 5)
        // Score 5 after three steps: the next failure is the 6th again, the first one delayed.
        XCTAssertEqual(throttle.failure(from: "10.0.0.1", at: start + .seconds(95)), .milliseconds(100))
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(10_000)), 0)
    }

    func testFrequentFailuresDoNotResetTheForgivingClock() {
        var throttle = FailureThrottle()
        _ = delays(&throttle, 10)
        // A failure every 20 s against one forgiven every 30 s: the score must still fall back
        // by one per 30 s, as it would not if each failure restarted the forgiving clock.
        for step in 1...6 { _ = throttle.failure(from: "10.0.0.1", at: start + .seconds(20 * step)) }
        // 10 + 6 failures - 4 forgiven (at 30, 60, 90, 120 s) = 12.
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(120)), 12)
    }

    func testTheScoreIsCappedSoAnAttackerIsForgivenInBoundedTime() {
        var throttle = FailureThrottle()
        _ = delays(&throttle, 500)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start), 20)
        XCTAssertEqual(throttle.score(of: "10.0.0.1", at: start + .seconds(600)), 0)
    }

    func testTheTableIsBoundedAndForgetsForgivenClientsFirst() {
        var policy = FailureThrottle.Policy()
        policy.maximumClients = 3
        var throttle = FailureThrottle(policy: policy)
        _ = throttle.failure(from: "a", at: start)
        _ = delays(&throttle, 7, from: "b")
        _ = throttle.failure(from: "c", at: start + .seconds(15))
        // At +40 s "a" is forgiven: it goes, the others stay.
        _ = throttle.failure(from: "d", at: start + .seconds(40))
        XCTAssertEqual(throttle.trackedClients, 3)
        XCTAssertEqual(throttle.score(of: "b", at: start + .seconds(40)), 6)
        XCTAssertEqual(throttle.score(of: "d", at: start + .seconds(40)), 1)
        // Nobody forgiven: the client quiet longest ("b", last failed at `start`) makes room.
        _ = throttle.failure(from: "e", at: start + .seconds(41))
        XCTAssertEqual(throttle.trackedClients, 3)
        XCTAssertEqual(throttle.score(of: "b", at: start + .seconds(41)), 0)
        XCTAssertEqual(throttle.score(of: "c", at: start + .seconds(41)), 1)
    }

    func testAFloodOfAddressesKeepsTheTableBounded() {
        var throttle = FailureThrottle()
        for index in 0..<10_000 {
            XCTAssertEqual(throttle.failure(from: "client-\(index)", at: start + .milliseconds(index)), .zero)
        }
        XCTAssertLessThanOrEqual(throttle.trackedClients, throttle.policy.maximumClients)
        XCTAssertEqual(throttle.score(of: "client-9999", at: start + .seconds(10)), 1, "the newest are kept")
        XCTAssertEqual(throttle.score(of: "client-0", at: start + .seconds(10)), 0, "the oldest made room")
    }

    func testClientNames() {
        XCTAssertEqual(FailureThrottle.client(addressBytes: [127, 0, 0, 1]), "127.0.0.1")
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 20]
        XCTAssertEqual(FailureThrottle.client(addressBytes: mapped), "192.168.1.20")
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0, 1]
        let sameSubnet: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x2a, 9, 9, 9, 9, 9, 9, 9, 9]
        XCTAssertEqual(FailureThrottle.client(addressBytes: v6), "2001:db8:0:2a::/64")
        XCTAssertEqual(FailureThrottle.client(addressBytes: sameSubnet), "2001:db8:0:2a::/64")
        XCTAssertEqual(FailureThrottle.client(addressBytes: [UInt8](repeating: 0, count: 15) + [1]), "0:0:0:0::/64")
        XCTAssertNil(FailureThrottle.client(addressBytes: []))
    }
}
