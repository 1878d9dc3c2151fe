import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §6.6: a crash of the supervisor at any moment loses no rotated refresh token.
final class DurabilityTests: XCTestCase {
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
