import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What an operator relies on beyond start and stop: heartbeats, upstream changes that
/// restart a worker, log rotation, and refusing unsafe directories.
final class OperationsTests: XCTestCase {
    func testSilentWorkerIsKilledAndReplaced() throws {
        let daemon = try TestDaemon(providers: ["claude", "codex"])
        try daemon.startDaemon()
        let codex = try daemon.worker("codex")
        let claude = try daemon.worker("claude")
        kill(claude.pid, SIGSTOP)  // alive, but answers no ping
        defer { kill(claude.pid, SIGKILL) }
        // heartbeat-timeout 3 s, then SIGTERM, then SIGKILL 5 s later, then a 1 s backoff.
        let replaced = eventually(timeout: .seconds(15)) { try daemon.worker("claude").pid != claude.pid }
        XCTAssertTrue(replaced, daemon.log())
        XCTAssertFalse(isAlive(claude.pid))
        XCTAssertEqual(try daemon.worker("claude").restarts, 1)
        XCTAssertEqual(try daemon.worker("codex"), codex)
        XCTAssertTrue(daemon.log().contains("worker silent for heartbeat-timeout"))
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testChangedUpstreamRestartsOnlyThatWorker() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let before = try daemon.workers()
        let config = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        let changed = config.replacingOccurrences(
            of: "api-base: http://127.0.0.1:9/codex\n", with: "api-base: http://127.0.0.1:9/codex-moved\n")
        XCTAssertNotEqual(changed, config)
        try changed.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let reload = daemon.cli("reload")
        XCTAssertEqual(reload.code, 0, reload.stderr)
        XCTAssertEqual(reload.stderr, "", "an upstream URL is no restart-only key")
        XCTAssertTrue(eventually { try daemon.worker("codex").generation == 2 }, daemon.log())
        let after = try daemon.workers()
        for provider in ["claude", "gemini"] {
            XCTAssertEqual(after.first { $0.provider == provider }, before.first { $0.provider == provider })
        }
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testSIGUSR1ReopensTheLogInSupervisorAndWorkers() throws {
        let daemon = try TestDaemon(providers: ["gemini"])
        try daemon.startDaemon()
        let log = daemon.stateDir + "/switchyard.log"
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        kill(try XCTUnwrap(daemon.supervisorPID), SIGUSR1)
        XCTAssertTrue(eventually { FileManager.default.fileExists(atPath: log) })
        XCTAssertEqual(daemon.cli("workers", "restart", "gemini").code, 0)
        XCTAssertTrue(eventually {
            let text = daemon.log()
            return text.contains("supervisor: worker accepting") && text.contains("worker.gemini:")
        }, daemon.log())
        XCTAssertEqual(daemon.cli("stop").code, 0)
        let rotated = try String(contentsOfFile: log + ".1", encoding: .utf8)
        XCTAssertFalse(rotated.contains("generation=2"), "nothing after the reopen may go to the old file")
    }

    func testRefusesAnAccountsDirectoryOthersCanRead() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try FileManager.default.createDirectory(atPath: daemon.accountsDir, withIntermediateDirectories: true)
        chmod(daemon.accountsDir, 0o755)
        let run = daemon.cli("start", "--daemon")
        XCTAssertEqual(run.code, 1)
        XCTAssertTrue(run.stderr.contains(daemon.accountsDir), run.stderr)
        XCTAssertFalse(daemon.supervisorPID.map(isAlive) ?? false)
    }
}
