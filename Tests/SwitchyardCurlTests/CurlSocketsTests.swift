import CCurl
import XCTest
@testable import SwitchyardCurl

/// The rules of `CurlSockets`: which of libcurl's sockets are parked in epoll between
/// transfers, and when a number's state is dropped.
final class CurlSocketsTests: XCTestCase {
    private let reading = SY_EPOLLIN
    private let writing = SY_EPOLLOUT

    /// A socket opened through the loop, watched for reading, then let go by libcurl.
    private func parked(_ fd: Int32) -> CurlSockets {
        var sockets = CurlSockets()
        sockets.opened(fd)
        XCTAssertEqual(sockets.watch(fd, events: reading, isNew: true), .add(reading))
        XCTAssertEqual(sockets.remove(fd), .none, "parked, not deleted")
        XCTAssertTrue(sockets.isParked(fd))
        return sockets
    }

    func testAKeptAliveSocketIsParkedAndWatchedAgainWithoutASystemCall() {
        var sockets = parked(7)
        XCTAssertEqual(sockets.parkedDescriptors, [7])
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .none, "still in epoll for reading")
        XCTAssertFalse(sockets.isParked(7))
        XCTAssertEqual(sockets.parkedCount, 0)
        XCTAssertEqual(sockets.remove(7), .none, "parked again after the next transfer")
        XCTAssertEqual(sockets.parkedCount, 1)
    }

    func testAParkedSocketWatchedForSomethingElseIsModified() {
        var sockets = parked(7)
        XCTAssertEqual(sockets.watch(7, events: writing, isNew: true), .modify(writing))
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: false), .modify(reading))
    }

    /// The resolver's socket pair is closed without the close-socket callback: parked, its
    /// number could come back as a new socket epoll does not know.
    func testASocketNotOpenedThroughTheLoopIsUnwatchedAtOnce() {
        var sockets = CurlSockets()
        XCTAssertEqual(sockets.watch(5, events: reading, isNew: true), .add(reading))
        XCTAssertEqual(sockets.remove(5), .delete)
        XCTAssertFalse(sockets.isParked(5))
        XCTAssertEqual(sockets.watch(5, events: reading, isNew: true), .add(reading))
    }

    /// Parked for writing it would be reported ready on every turn.
    func testASocketWatchedForWritingIsUnwatchedAtOnce() {
        var sockets = CurlSockets()
        sockets.opened(7)
        XCTAssertEqual(sockets.watch(7, events: reading | writing, isNew: true), .add(reading | writing))
        XCTAssertEqual(sockets.remove(7), .delete)
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .add(reading))
        XCTAssertEqual(sockets.remove(7), .none)
    }

    /// libcurl closes a parked socket (an old idle connection) and the number comes back for
    /// a new one: that one is not in epoll and must be added, also for the same interest.
    func testClosingAParkedSocketTakesItOutAndItsNumberStartsFresh() {
        var sockets = parked(7)
        XCTAssertEqual(sockets.closing(7), .delete)
        XCTAssertFalse(sockets.isParked(7))
        XCTAssertEqual(sockets.parkedCount, 0)
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .add(reading), "a socket pair of the resolver")
        XCTAssertEqual(sockets.remove(7), .delete, "not opened through the loop")
        sockets.opened(7)
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .add(reading))
    }

    func testClosingAWatchedSocketTakesItOutAndAnUnwatchedOneCostsNothing() {
        var sockets = CurlSockets()
        sockets.opened(7)
        XCTAssertEqual(sockets.watch(7, events: writing, isNew: true), .add(writing))
        XCTAssertEqual(sockets.closing(7), .delete)
        sockets.opened(8)
        XCTAssertEqual(sockets.closing(8), .none, "never watched")
    }

    /// The server closed a parked connection: the loop unwatches it (else level-triggered
    /// readiness spins the loop); libcurl adds it again if it ever wants it.
    func testAParkedSocketThatBecomesReadyIsUnwatchedForReal() {
        var sockets = parked(7)
        XCTAssertTrue(sockets.parkedSocketIsReady(7))
        XCTAssertFalse(sockets.isParked(7))
        XCTAssertFalse(sockets.parkedSocketIsReady(7), "handed to libcurl from now on")
        XCTAssertEqual(sockets.closing(7), .none, "already out of epoll")
        sockets = parked(7)
        _ = sockets.parkedSocketIsReady(7)
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .add(reading))
    }

    func testReadinessOfASocketLibcurlWatchesIsLibcurls() {
        var sockets = CurlSockets()
        sockets.opened(7)
        _ = sockets.watch(7, events: reading, isNew: true)
        XCTAssertFalse(sockets.parkedSocketIsReady(7))
        XCTAssertFalse(sockets.parkedSocketIsReady(900), "a number never seen")
    }

    func testAGuestTakingANumberForgetsWhatWasKnownOfIt() {
        var sockets = parked(7)
        sockets.forget(7)
        XCTAssertFalse(sockets.isParked(7))
        XCTAssertEqual(sockets.parkedCount, 0)
        XCTAssertEqual(sockets.watch(7, events: reading, isNew: true), .add(reading))
        XCTAssertEqual(sockets.remove(7), .delete, "not opened through the loop since")
        sockets.forget(1_000)  // beyond the table: nothing to forget
    }
}
