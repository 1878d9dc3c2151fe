import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Signals that arrive while the supervisor is still starting (SPEC §1). The test holds
/// `pending/.lock`, which a starting supervisor must take before it goes on, so the start is
/// parked at a known step for as long as the test needs, with no timing guess.
final class StartupSignalTests: XCTestCase {
    func testHangupAndLogReopenDuringStartUpAreCarriedOutOnceStarted() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try lengthenDrainTimeout(daemon)
        let pending = try holdPendingLock(daemon)
        let start = try daemon.launch(["start", "--daemon"])
        let pid = try startingSupervisor(daemon)
        let log = daemon.stateDir + "/switchyard.log"
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        XCTAssertEqual(kill(pid, SIGHUP), 0)
        XCTAssertEqual(kill(pid, SIGUSR1), 0)
        close(pending)
        let run = start.finish()
        XCTAssertEqual(run.code, 0, "their default action would have killed the start: \(run.stderr)")
        XCTAssertEqual(daemon.supervisorPID, pid)
        XCTAssertTrue(eventually { FileManager.default.fileExists(atPath: log) }, "SIGUSR1 reopens the log once started")
        XCTAssertTrue(eventually {
            let rotated = try String(contentsOfFile: log + ".1", encoding: .utf8)
            return (rotated + daemon.log()).contains("config reloaded")
        }, "SIGHUP reloads once started")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testTerminationDuringStartUpEndsTheStartCleanly() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try lengthenDrainTimeout(daemon)
        let pending = try holdPendingLock(daemon)

        let detached = try daemon.launch(["start", "--daemon"])
        let first = try startingSupervisor(daemon)
        XCTAssertEqual(kill(first, SIGTERM), 0)
        let run = detached.finish()
        XCTAssertEqual(run.code, 1)
        XCTAssertTrue(run.stderr.contains("stopped by SIGTERM during start-up"), run.stderr)
        XCTAssertFalse(isAlive(first))
        XCTAssertFalse(daemon.lockHeld())
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDir + "/switchyard.pid"))

        // In the foreground a stop during start-up is still a stop: exit 0.
        let foreground = try daemon.launch(["start"])
        let second = try startingSupervisor(daemon)
        XCTAssertEqual(kill(second, SIGINT), 0)
        XCTAssertEqual(foreground.finish().code, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDir + "/switchyard.pid"))

        close(pending)
        try daemon.startDaemon()
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// So the parked start cannot give up on the pending lock (it waits up to drain-timeout).
    private func lengthenDrainTimeout(_ daemon: TestDaemon) throws {
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        let longer = yaml.replacingOccurrences(of: "drain-timeout: 5s", with: "drain-timeout: 60s")
        XCTAssertNotEqual(longer, yaml)
        try longer.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
    }

    /// A shared lock, as a worker with a refresh in flight holds it. Close the descriptor to release.
    private func holdPendingLock(_ daemon: TestDaemon) throws -> Int32 {
        let pending = daemon.stateDir + "/pending"
        try FileManager.default.createDirectory(
            atPath: pending, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(daemon.stateDir, 0o700)
        // Close-on-exec: a child holding a copy would keep the lock after the test lets go.
        let fd = open(pending + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_SH) == 0 else { throw TestFailure("cannot lock \(pending)/.lock") }
        return fd
    }

    /// The pid of the parked supervisor. Its pid file is written after its signal handlers are
    /// in place (they come first of all).
    private func startingSupervisor(_ daemon: TestDaemon) throws -> Int32 {
        XCTAssertTrue(eventually { daemon.supervisorPID.map(isAlive) ?? false }, daemon.log())
        return try XCTUnwrap(daemon.supervisorPID)
    }
}
