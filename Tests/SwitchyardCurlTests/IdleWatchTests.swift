import XCTest
@testable import SwitchyardCurl

final class IdleWatchTests: XCTestCase {
    /// Each step: milliseconds since start, bytes received so far, bytes uploaded so far, and
    /// whether the transfer may go on.
    func testFiresOnlyAfterTheLimitWithoutAnyProgress() {
        let start = ContinuousClock.now
        let steps: [(at: Int, received: Int, uploaded: Int, goOn: Bool)] = [
            (400, 0, 0, true),        // silent, within the limit
            (900, 10, 0, true),       // received bytes: clock restarts at 900
            (1_800, 10, 0, true),     // 900 ms silent
            (1_950, 10, 5, true),     // upload progress counts too: restart at 1950
            (2_950, 10, 5, true),     // exactly at the limit
            (2_951, 10, 5, false),    // past it
        ]
        var watch = IdleWatch(limit: .seconds(1), lastActivity: start)
        for step in steps {
            watch.bytesSeen = step.received
            let goOn = watch.noteProgress(uploaded: step.uploaded, now: start + .milliseconds(step.at))
            XCTAssertEqual(goOn, step.goOn, "at \(step.at) ms")
        }
    }

    /// A restart (a resumed pause) counts as activity, bytes that came meanwhile included.
    func testRestartStartsTheSilenceOver() {
        let start = ContinuousClock.now
        var watch = IdleWatch(limit: .seconds(1), lastActivity: start)
        watch.bytesSeen = 50
        watch.restart(at: start + .seconds(5))
        XCTAssertTrue(watch.noteProgress(uploaded: 0, now: start + .seconds(6)), "1 s after the restart")
        XCTAssertFalse(watch.noteProgress(uploaded: 0, now: start + .milliseconds(6_001)))
    }
}
