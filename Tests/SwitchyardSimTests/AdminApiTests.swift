import Foundation
import XCTest

final class AdminApiTests: XCTestCase {
    func testRefusesUnknownKeysBehavioursAndAccounts() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        let typo = try await sim.call("POST", "/_sim/accounts", json: ["provider": "codex", "id": "x", "refesh": "ok"])
        XCTAssertEqual(typo.status, 400)
        XCTAssertTrue(typo.text.contains("refesh"), typo.text)
        let badBehaviour = try await sim.call("POST", "/_sim/accounts", json: ["provider": "codex", "id": "x", "api": ["nope"]])
        XCTAssertEqual(badBehaviour.status, 400)
        let missing = try await sim.call("GET", "/_sim/accounts/none")
        XCTAssertEqual(missing.status, 404)
    }

    func testPartialUpdateAndResetStats() async throws {
        let sim = try SimProcess()
        defer { sim.stop() }
        try await sim.register(["provider": "codex", "id": "c1"])
        _ = try await sim.refresh("codex", "c1-rt-0")
        let update = try await sim.call("POST", "/_sim/accounts/c1", json: ["refresh": "invalid_grant"])
        XCTAssertEqual(update.status, 200, update.text)
        let refused = try await sim.refresh("codex", "c1-rt-1")
        XCTAssertEqual(refused.status, 400)
        let calls = try await sim.stats()["token_calls"] as? Int
        XCTAssertEqual(calls, 2)
        _ = try await sim.call("POST", "/_sim/reset-stats")
        let stats = try await sim.stats()
        XCTAssertEqual(stats["token_calls"] as? Int, 0)
        XCTAssertEqual((stats["token_call_starts_ms"] as? [Int])?.count, 0)
        let account = (stats["per_account"] as? [String: Any])?["c1"] as? [String: Any]
        XCTAssertEqual(account?["token_calls"] as? Int, 0)
        XCTAssertEqual(account?["refresh_token"] as? String, "c1-rt-1", "reset keeps tokens")
    }

    func testDemoDirWritesAccountFilesBeforeListening() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sim-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sim = try SimProcess(["--demo", "--demo-dir", dir.path])
        defer { sim.stop() }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 9)
        let pattern = try NSRegularExpression(pattern: "^(claude|codex|gemini)-[0-9a-f]{12}\\.json$")
        for name in names {
            XCTAssertNotNil(pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), name)
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let file = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            XCTAssertEqual(file?["schema"] as? Int, 1)
            XCTAssertEqual((file?["id"] as? String).map { "\($0).json" }, name)
            let expiresAt = file?["expires_at"] as? Int ?? 0
            XCTAssertEqual(Double(expiresAt), Date().timeIntervalSince1970 + 60, accuracy: 10)
        }
    }

    func testSigtermExitsCleanly() throws {
        let sim = try SimProcess()
        XCTAssertEqual(sim.stop(), 0)
    }
}
