import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §6.6: a crash of the supervisor at any moment loses no rotated refresh token.
final class DurabilityTests: XCTestCase {
    /// A pending record whose account file cannot be read at start-up is kept, not dropped
    /// (it may hold the only copy of a rotated token), and applied once the file is readable.
    func testAPendingRecordWaitsForItsUnreadableAccountFile() throws {
        let sim = try Simulator()
        try sim.post("/_sim/accounts", [
            "provider": "codex", "id": "p1", "refresh_token": "p1-rt-0", "access_token": "p1-at-0", "refresh": "ok",
        ])
        let daemon = try TestDaemon(providers: ["codex"], upstreams: ["codex": sim.providerConfig("codex")])
        let id = "codex-000000000001"
        try daemon.writeAccount(id: id, provider: "codex", refreshToken: "p1-rt-0", accessToken: "p1-at-0")
        let file = daemon.accountsDir + "/\(id).json"
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        // The supervisor dies with the rotated token journaled and not yet stored.
        let crashed = daemon.cli(["start", "--daemon"], environment: ["SWITCHYARD_CRASH_AT": "refresh-before-store"])
        XCTAssertEqual(crashed.code, 0, crashed.stderr)
        XCTAssertTrue(eventually { daemon.supervisorPID.map { !isAlive($0) } ?? true }, daemon.log())
        let pending = { try FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/pending").filter { $0.hasSuffix(".json") } }
        XCTAssertTrue(eventually { try pending().count == 1 }, "pending: \((try? pending()) ?? []) \(daemon.log())")
        daemon.forceStop()
        XCTAssertEqual(try pending().count, 1, "the worker journaled the result")

        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: file))
        try daemon.startDaemon()
        defer { daemon.cli("stop") }
        XCTAssertEqual(try pending().count, 1, "kept while the account file cannot be read")
        XCTAssertTrue(daemon.log().contains("pending refresh result kept"), daemon.log())

        // The operator restores the file (with the consumed token): the kept result goes first.
        try original.write(to: URL(fileURLWithPath: file))
        XCTAssertTrue(eventually {
            let stored = try daemon.readAccount(id)["refresh_token"] as? String
            return try stored != "p1-rt-0" && stored == sim.account("p1")["refresh_token"] as? String
        }, daemon.log())
        XCTAssertEqual(try sim.stats()["reuses"] as? Int, 0)
    }

    func testSupervisorKilledDuringRefreshesLosesNoRotatedToken() throws {
        let sim = try Simulator(tokenLatency: "20ms")
        let daemon = try TestDaemon(providers: ["codex"], upstreams: ["codex": sim.providerConfig("codex")])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml += "refresh-concurrency: 8\n"
        yaml = yaml.replacingOccurrences(of: "drain-timeout: 5s", with: "drain-timeout: 2s")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let count = 24
        let ids = (0..<count).map { String(format: "codex-%012d", $0) }
        for index in 0..<count {
            // Tokens that expire at once keep every account refreshing, round after round.
            try sim.post("/_sim/accounts", [
                "provider": "codex", "id": "d\(index)", "refresh_token": "d\(index)-rt-0",
                "access_token": "d\(index)-at-0", "refresh": "ok", "expires_in": 1,
            ])
            try daemon.writeAccount(id: ids[index], provider: "codex", refreshToken: "d\(index)-rt-0", accessToken: "d\(index)-at-0")
        }

        var generator = SystemRandomNumberGenerator()
        let crashPoints = ["refresh-before-store", "refresh-after-store", "", "", "", "", "", ""]
        for point in crashPoints {
            let run = daemon.cli(["start", "--daemon"], environment: point.isEmpty ? [:] : ["SWITCHYARD_CRASH_AT": "\(point):5"])
            XCTAssertEqual(run.code, 0, run.stderr + daemon.log())
            let supervisor = try XCTUnwrap(daemon.supervisorPID)
            let workers = (try? daemon.workers().map(\.pid)) ?? []
            if point.isEmpty {
                usleep(UInt32.random(in: 150_000...700_000, using: &generator))
                kill(supervisor, SIGKILL)
            }
            XCTAssertTrue(eventually(timeout: .seconds(10)) { !isAlive(supervisor) && workers.allSatisfy { !isAlive($0) } })
        }
        XCTAssertGreaterThan(try sim.stats()["token_calls"] as? Int ?? 0, 3 * count, "the crashes must fall amid many refreshes\n\(daemon.log())")

        // Settle: tokens stop expiring, so every account refreshes at most once more.
        for index in 0..<count { try sim.post("/_sim/accounts/d\(index)", ["expires_in": 36000]) }
        try daemon.startDaemon()
        XCTAssertTrue(eventually(timeout: .seconds(20)) {
            try ids.allSatisfy { (try daemon.readAccount($0)["expires_at"] as? Int ?? 0) > Int(Date().timeIntervalSince1970) + 3600 }
        }, daemon.log())
        XCTAssertEqual(try sim.stats()["reuses"] as? Int, 0, "no refresh token may ever be presented twice")
        for (index, id) in ids.enumerated() {
            let stored = try daemon.readAccount(id)
            XCTAssertEqual(stored["refresh_token"] as? String, try sim.account("d\(index)")["refresh_token"] as? String,
                           "\(id) must hold the newest refresh token the simulator issued")
        }
        // The store is written before the acknowledgement that lets the worker delete its
        // record: the last records go a moment after the last file shows its new token.
        let pending = { try FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/pending").filter { $0.hasSuffix(".json") } }
        XCTAssertTrue(eventually { try pending().isEmpty }, "pending/ ends empty: \((try? pending()) ?? [])")
        // The killed supervisors' spares (old account versions, blanked) are gone; only the
        // running one's may be there, and it deletes them when it stops.
        let running = try XCTUnwrap(daemon.supervisorPID)
        let hidden = { try FileManager.default.contentsOfDirectory(atPath: daemon.accountsDir).filter { $0.hasPrefix(".") } }
        XCTAssertEqual(try hidden().filter { !$0.hasPrefix(".spare-\(running)-") }, [])
        XCTAssertEqual(daemon.cli("stop").code, 0)
        XCTAssertEqual(try hidden(), [], "no spare outlives its supervisor")
    }
}
