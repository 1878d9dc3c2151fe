import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `reload`, SIGHUP and `config check` (SPEC §2, §3).
final class ReloadTests: XCTestCase {
    func testBrokenConfigIsRejectedAndTheRunningOneKept() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let before = try daemon.workers()
        let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)

        try (good + "refresh-concurency: 4\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let check = daemon.cli("config", "check")
        XCTAssertEqual(check.code, 1)
        XCTAssertTrue(check.stderr.contains("refresh-concurency"), check.stderr)
        let rejected = daemon.cli("reload")
        XCTAssertEqual(rejected.code, 1)
        XCTAssertTrue(rejected.stderr.contains("refresh-concurency"), rejected.stderr)

        try "state-dir: ./var\nproviders: [unclosed\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(daemon.cli("reload").code, 1)
        // SIGHUP with the same broken file must not take the supervisor down either.
        kill(try XCTUnwrap(daemon.supervisorPID), SIGHUP)
        usleep(300_000)
        XCTAssertEqual(try daemon.workers(), before, "status still works and nothing restarted")
        XCTAssertTrue(daemon.log().contains("reload rejected"))

        try (good + "refresh-concurrency: 4\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let applied = daemon.cli("reload")
        XCTAssertEqual(applied.code, 0, applied.stderr)
        XCTAssertEqual(applied.stderr, "")

        let moved = good.replacingOccurrences(of: "listen: 127.0.0.1:0\nworkers", with: "listen: 127.0.0.1:1\nworkers")
        XCTAssertNotEqual(moved, good)
        try moved.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let restartOnly = daemon.cli("reload")
        XCTAssertEqual(restartOnly.code, 0)
        XCTAssertTrue(restartOnly.stderr.contains("restart required: management.listen"), restartOnly.stderr)
        XCTAssertEqual(try daemon.workers(), before)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// SPEC §2/§3: `restart required` compares the file with what runs, not with the file read
    /// last: reported again while the restart is pending, silent once the file is put back.
    func testRestartRequiredIsMeasuredAgainstTheRunningConfig() throws {
        let daemon = try TestDaemon(providers: ["claude"])
        try daemon.startDaemon()
        let before = try daemon.workers()
        let running = "  claude:\n    enabled: true\n    listen: 127.0.0.1:0\n"
        let moved = "  claude:\n    enabled: true\n    listen: 127.0.0.1:1\n"
        try daemon.editConfig { $0.replacingOccurrences(of: running, with: moved) }

        let first = daemon.cli("reload")
        XCTAssertEqual(first.code, 0, first.stderr)
        XCTAssertEqual(first.stderr, "restart required: providers.claude.listen\n")
        let again = daemon.cli("reload")
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertEqual(again.stderr, "restart required: providers.claude.listen\n", "the restart is still needed")

        try daemon.editConfig { $0.replacingOccurrences(of: moved, with: running) }
        let restored = daemon.cli("reload")
        XCTAssertEqual(restored.code, 0, restored.stderr)
        XCTAssertEqual(restored.stderr, "", "the file says what runs again")
        XCTAssertEqual(try daemon.workers(), before)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// SPEC §2: `stop` waits the *running* drain-timeout + 10 s, whatever the file says now.
    /// A frozen supervisor makes the wait run out: with the file's 60 s it would take 70 s.
    func testStopWaitsTheRunningDrainTimeout() throws {
        let daemon = try TestDaemon(providers: ["gemini"])
        try daemon.editConfig { $0.replacingOccurrences(of: "drain-timeout: 5s", with: "drain-timeout: 0s") }
        try daemon.startDaemon()
        let supervisor = try XCTUnwrap(daemon.supervisorPID)
        let worker = try daemon.worker("gemini").pid
        try daemon.editConfig { $0.replacingOccurrences(of: "drain-timeout: 0s", with: "drain-timeout: 60s") }
        defer {
            // Whatever failed half-way: nothing stays frozen (the deinit then kills it).
            for pid in [supervisor, worker] where isAlive(pid) { kill(pid, SIGCONT) }
        }
        // A frozen worker keeps the supervisor in its shutdown (it waits 5 s before SIGKILL),
        // long enough to freeze the supervisor too.
        kill(worker, SIGSTOP)
        let started = ContinuousClock.now
        let stop = try daemon.launch(["stop"])
        XCTAssertTrue(eventually { daemon.log().contains("shutting down") }, daemon.log())
        kill(supervisor, SIGSTOP)
        let run = stop.finish()
        let waited = ContinuousClock.now - started
        XCTAssertEqual(run.code, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("still running after drain-timeout + 10 s"), run.stderr)
        XCTAssertGreaterThanOrEqual(waited, .seconds(10))
        XCTAssertLessThan(waited, .seconds(30), "the file's drain-timeout was used")
        kill(supervisor, SIGCONT)
        XCTAssertTrue(eventually(timeout: .seconds(15)) { !daemon.lockHeld() }, daemon.log())
    }

    func testConfigCheckAcceptsTheShippedConfig() throws {
        let daemon = try TestDaemon()
        let shipped = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("etc/switchyard.yaml").path
        let run = daemon.cli("config", "check")
        XCTAssertEqual(run.code, 0, run.stderr)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestDaemon.binary)
        process.arguments = ["config", "check", "--config", shipped]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testUsageErrorsExitTwo() throws {
        let daemon = try TestDaemon()
        XCTAssertEqual(daemon.cli("workers", "restart").code, 2)
        XCTAssertEqual(daemon.cli("frobnicate").code, 2)
        XCTAssertEqual(daemon.cli("workers", "restart", "nosuch").code, 2)
        // The parser's own usage errors come with the usage text; a missing PATH is one.
        XCTAssertEqual(daemon.cli("accounts", "import").code, 2)
        let badValues = [
            ["accounts", "list", "--state", "nosuch"], ["accounts", "list", "--provider", "nosuch"],
            ["accounts", "import", "x.json", "--provider", "nosuch"],
        ]
        for words in badValues {
            let run = daemon.cli(words)
            XCTAssertEqual(run.code, 2, "\(words): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.accountsDir), "a usage error touches nothing")
    }
}
