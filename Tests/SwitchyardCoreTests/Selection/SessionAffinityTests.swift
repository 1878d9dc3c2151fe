import XCTest

@testable import SwitchyardCore

final class SessionAffinityTests: XCTestCase {
    func testBindingsLapseAfterTheAffinity() {
        var sessions = SessionAffinity(ttlSeconds: 10)
        sessions.bind("s", to: "a", at: 100)
        XCTAssertEqual(sessions.account(for: "s", at: 109), "a")
        XCTAssertNil(sessions.account(for: "s", at: 110))
    }

    func testUseKeepsABindingAliveAndTheSweepDropsOnlyLapsedOnes() {
        var sessions = SessionAffinity(ttlSeconds: 10)
        sessions.bind("kept", to: "a", at: 0)
        sessions.bind("dropped", to: "b", at: 0)
        sessions.bind("kept", to: "a", at: 8)
        sessions.bind("other", to: "c", at: 12)  // sweeps: "dropped" lapsed, "kept" re-queued
        XCTAssertEqual(sessions.count, 2)
        XCTAssertEqual(sessions.account(for: "kept", at: 12), "a")
        XCTAssertNil(sessions.account(for: "dropped", at: 12))
        sessions.bind("other", to: "c", at: 30)
        XCTAssertEqual(sessions.count, 1, "kept lapsed at 18")
    }

    func testTheNumberOfSessionsIsBounded() {
        var sessions = SessionAffinity(ttlSeconds: 3600)
        for index in 0...(SessionAffinity.maximumSessions + 10) {
            sessions.bind("s\(index)", to: "a", at: 0)
        }
        XCTAssertEqual(sessions.count, SessionAffinity.maximumSessions)
        XCTAssertNil(sessions.account(for: "s0", at: 0), "the oldest goes first")
        XCTAssertEqual(sessions.account(for: "s\(SessionAffinity.maximumSessions + 10)", at: 0), "a")
    }
}
