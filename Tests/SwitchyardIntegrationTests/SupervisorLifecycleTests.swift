import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// start --daemon / status / stop, the single-supervisor lock, and surviving a SIGKILL.
final class SupervisorLifecycleTests: XCTestCase {
    func testDaemonStartStatusStop() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let status = try daemon.status()
        let pid = try XCTUnwrap(status["pid"] as? Int)
        XCTAssertEqual(Int32(pid), daemon.supervisorPID)
        XCTAssertNotNil(status["management"] as? String)
        let workers = try daemon.workers()
        XCTAssertEqual(workers.map(\.provider).sorted(), ["claude", "codex", "gemini"])
        XCTAssertTrue(workers.allSatisfy { $0.state == "ready" && $0.pid > 0 && $0.generation == 1 && $0.restarts == 0 })
        for worker in workers {
            XCTAssertFalse(worker.listen.hasSuffix(":0"), "listen must report the bound port")
            let health = try daemon.get("http://\(worker.listen)/healthz")
            XCTAssertEqual(health.status, 200)
            XCTAssertTrue(health.body.contains("\"pid\":\(worker.pid)"), health.body)
        }
        let management = try XCTUnwrap(status["management"] as? String)
        XCTAssertEqual(try daemon.get("http://\(management)/healthz").status, 200)
        XCTAssertEqual(try daemon.get("http://\(management)/v0/status").status, 200)
        XCTAssertEqual(try permissions(daemon.stateDir + "/control.sock"), 0o600)
        XCTAssertEqual(try permissions(daemon.stateDir + "/workers.sock"), 0o600)
        XCTAssertEqual(try permissions(daemon.stateDir), 0o700)

        let second = daemon.cli("start", "--daemon")
        XCTAssertEqual(second.code, 1)
        XCTAssertTrue(second.stderr.contains("already running (pid \(pid))"), second.stderr)

        XCTAssertEqual(daemon.cli("stop").code, 0)
        XCTAssertFalse(isAlive(Int32(pid)))
        XCTAssertTrue(workers.allSatisfy { !isAlive($0.pid) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDir + "/switchyard.pid"))
        XCTAssertEqual(daemon.cli("status").code, 3)
        XCTAssertEqual(daemon.cli("stop").code, 3)
    }

    /// Started with systemd's usual soft limit of open files, the supervisor raises it to the
    /// hard limit, and its workers inherit that (a worker holds a descriptor per client and per
    /// kept upstream connection).
    func testOpenFileLimitIsRaisedToTheHardLimitForSupervisorAndWorkers() throws {
        var limit = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        guard limit.rlim_max > 256 else { throw XCTSkip("hard open-file limit \(limit.rlim_max) leaves nothing to raise") }
        let daemon = try TestDaemon()
        try daemon.writeConfig(providers: ["codex"])
        var lowered = limit
        lowered.rlim_cur = 256
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &lowered), 0)
        let started = Result { try daemon.startDaemon() }
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        try started.get()
        defer { daemon.cli("stop") }
        let hard = "\(limit.rlim_max == rlim_t.max ? 1 << 20 : limit.rlim_max)"
        for pid in [try XCTUnwrap(daemon.supervisorPID), try daemon.worker("codex").pid] {
            let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
            let line = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
            let soft = line.split(separator: " ", omittingEmptySubsequences: true)[3]
            XCTAssertEqual(String(soft), hard, String(line))
        }
    }

    func testDaemonStartFailsCleanlyWhenAPortIsTaken() throws {
        let blocker = try TestDaemon(providers: ["codex"])
        try blocker.startDaemon()
        let taken = try blocker.worker("codex").listen
        let daemon = try TestDaemon(providers: ["codex"])
        try daemon.writeConfig(providers: ["codex"])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "enabled: true\n    listen: 127.0.0.1:0", with: "enabled: true\n    listen: \(taken)")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let run = daemon.cli("start", "--daemon")
        XCTAssertEqual(run.code, 1)
        XCTAssertTrue(run.stderr.contains(taken), run.stderr)
        assertNothingLeft(daemon)
        XCTAssertEqual(blocker.cli("stop").code, 0)
        // The cause gone, a second start works at once: no half-dead first one holds the lock.
        try daemon.startDaemon()
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// `store: postgres` is a valid key whose backend is not built yet: refused with the
    /// reason, never silently run on the file store (the accounts would split in two places).
    func testAStoreThatIsNotBuiltIsRefusedNotReplaced() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try daemon.writeConfig(extraConfig: "store: postgres\npostgres-url: postgres://switchyard@127.0.0.1/switchyard\n", providers: ["codex"])
        let run = daemon.cli("start", "--daemon")
        XCTAssertEqual(run.code, 1)
        XCTAssertTrue(run.stderr.contains("store: postgres is not available"), run.stderr)
        assertNothingLeft(daemon)
        let list = daemon.cli("accounts", "list")
        XCTAssertEqual(list.code, 1)
        XCTAssertTrue(list.stderr.contains("store: postgres is not available"), list.stderr)
    }

    /// The management port fails after the control and worker sockets exist: they go too.
    func testDaemonStartFailsCleanlyWhenTheManagementPortIsTaken() throws {
        let blocker = try TestDaemon(providers: ["codex"])
        try blocker.startDaemon()
        let taken = try XCTUnwrap(blocker.status()["management"] as? String)
        let daemon = try TestDaemon(providers: ["codex"])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "management:\n  listen: 127.0.0.1:0", with: "management:\n  listen: \(taken)")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let run = daemon.cli("start", "--daemon")
        XCTAssertEqual(run.code, 1)
        XCTAssertFalse(run.stderr.isEmpty)
        assertNothingLeft(daemon)
        for socket in ["control.sock", "workers.sock"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDir + "/" + socket), socket)
        }
        XCTAssertEqual(blocker.cli("stop").code, 0)
    }

    /// Checked the moment `start --daemon` has returned, without waiting: SPEC §2's "nothing
    /// left running" holds by then.
    private func assertNothingLeft(_ daemon: TestDaemon, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(daemon.lockHeld(), "the lock must be free", file: file, line: line)
        let pids = daemon.loggedSupervisorPIDs()
        XCTAssertEqual(pids.count, 1, daemon.log(), file: file, line: line)
        XCTAssertFalse(pids.contains(where: isAlive), "the supervisor must have exited", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.stateDir + "/switchyard.pid"), file: file, line: line)
    }

    func testStalePIDFileDoesNotBlockAStart() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try FileManager.default.createDirectory(atPath: daemon.stateDir, withIntermediateDirectories: true)
        // The pid of this test process: alive, but not holding the lock.
        try "\(getpid())\n".write(toFile: daemon.stateDir + "/switchyard.pid", atomically: true, encoding: .utf8)
        try daemon.startDaemon()
        XCTAssertNotEqual(daemon.supervisorPID, getpid())
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testKilledSupervisorTakesItsWorkersDownAndCanStartAgain() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let workers = try daemon.workers()
        let supervisor = try XCTUnwrap(daemon.supervisorPID)
        kill(supervisor, SIGKILL)
        XCTAssertTrue(eventually(timeout: .seconds(10)) { workers.allSatisfy { !isAlive($0.pid) } },
                      "workers must exit when their supervisor is gone")
        try daemon.startDaemon()
        let restarted = try daemon.workers()
        XCTAssertEqual(restarted.filter { $0.state == "ready" }.count, 3)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testForegroundStopsOnSIGTERM() throws {
        let daemon = try TestDaemon(providers: ["claude"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestDaemon.binary)
        process.arguments = ["start", "--config", daemon.configPath]
        process.standardError = FileHandle.nullDevice
        try process.run()
        XCTAssertTrue(eventually { try daemon.worker("claude").state == "ready" })
        let worker = try daemon.worker("claude")
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertFalse(isAlive(worker.pid))
    }

    /// SPEC §1: a stop drains — a stream that outlasts the heartbeat timeout still finishes,
    /// because a draining worker is bound by drain-timeout, not by the heartbeat.
    func testStopFinishesAStreamLongerThanTheHeartbeatTimeout() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.daemon.editConfig { $0.replacingOccurrences(of: "heartbeat-timeout: 3s", with: "heartbeat-timeout: 1s") }
        // Six gaps of 500 ms after the first event: three times the heartbeat timeout.
        try rig.addAccount("c1", api: "slow_stream", extra: ["stream_gap_ms": 500])
        try rig.start()
        let worker = try rig.daemon.worker("codex")
        let stream = BackgroundStream(url: try rig.base + "/v1/responses", body: DataPathTests.codexStream)
        XCTAssertTrue(stream.waitForFirstChunk())
        let stop = rig.daemon.cli("stop")
        let answer = try XCTUnwrap(stream.finish())
        XCTAssertEqual(stop.code, 0, stop.stderr)
        XCTAssertNil(answer.error, "the stream was cut: \(answer.body)\n\(rig.daemon.log())")
        XCTAssertEqual(answer.status, 200)
        XCTAssertTrue(answer.body.contains("event: response.completed"), answer.body)
        XCTAssertFalse(rig.daemon.log().contains("worker silent for heartbeat-timeout"), rig.daemon.log())
        XCTAssertFalse(isAlive(worker.pid))
        XCTAssertFalse(FileManager.default.fileExists(atPath: rig.daemon.stateDir + "/switchyard.pid"))
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
    }
}
