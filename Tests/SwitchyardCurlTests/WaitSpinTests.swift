import XCTest
@testable import SwitchyardCurl

/// The loop polls before sleeping only while waits have been short.
final class WaitSpinTests: XCTestCase {
    func testAFreshLoopPollsAndKeepsPollingWhileAnswersComeQuickly() {
        var spin = WaitSpin()
        XCTAssertTrue(spin.shouldSpin)
        for _ in 0..<100 { spin.record(waitedNanoseconds: 70_000) }
        XCTAssertTrue(spin.shouldSpin, "answers within the window keep it polling")
    }

    func testSlowStreamsStopThePollingWithinAFewWaitsAndQuickAnswersBringItBack() {
        var spin = WaitSpin()
        var waits = 0
        while spin.shouldSpin {
            spin.record(waitedNanoseconds: 30_000_000)  // an LLM's tokens, 30 ms apart
            waits += 1
        }
        XCTAssertLessThanOrEqual(waits, 2, "a slow stream stops it at once")
        var quick = 0
        while !spin.shouldSpin {
            spin.record(waitedNanoseconds: 60_000)
            quick += 1
        }
        XCTAssertLessThan(quick, 60, "quick answers bring it back")
        spin.record(waitedNanoseconds: -5)
        XCTAssertGreaterThanOrEqual(spin.averageWaitNanoseconds, 0, "a clock going backwards counts as no wait")
    }
}
