import Foundation
import XCTest

final class TokenEndpointTests: XCTestCase {
    private var sim: SimProcess!

    override func setUpWithError() throws {
        sim = try SimProcess()
    }

    override func tearDown() {
        sim.stop()
    }

    func testCodexRotatesIssuesIDTokenAndCountsReuse() async throws {
        try await sim.register(["provider": "codex", "id": "c1", "chatgpt_account_id": "ws-1",
                                "chatgpt_user_id": "u-1", "email": "c1@example.com", "plan_type": "pro"])
        let first = try await sim.refresh("codex", "c1-rt-0")
        XCTAssertEqual(first.status, 200, first.text)
        XCTAssertEqual(first.json["access_token"] as? String, "c1-at-1")
        XCTAssertEqual(first.json["refresh_token"] as? String, "c1-rt-1")
        let claims = jwtClaims(first.json["id_token"] as? String ?? "")
        XCTAssertEqual(claims["email"] as? String, "c1@example.com")
        let auth = claims["https://api.openai.com/auth"] as? [String: Any]
        XCTAssertEqual(auth?["chatgpt_account_id"] as? String, "ws-1")
        XCTAssertEqual(auth?["chatgpt_user_id"] as? String, "u-1")
        XCTAssertEqual(auth?["chatgpt_plan_type"] as? String, "pro")

        let reused = try await sim.refresh("codex", "c1-rt-0")
        XCTAssertEqual(reused.status, 401)
        XCTAssertEqual((reused.json["error"] as? [String: Any])?["code"] as? String, "refresh_token_reused")
        let unknown = try await sim.refresh("codex", "never-issued")
        XCTAssertEqual(unknown.status, 400)
        XCTAssertEqual(unknown.json["error"] as? String, "invalid_grant")

        let stats = try await sim.stats()
        XCTAssertEqual(stats["token_calls"] as? Int, 3)
        XCTAssertEqual(stats["reuses"] as? Int, 1, "an unknown token is not a reuse")
        let account = (stats["per_account"] as? [String: Any])?["c1"] as? [String: Any]
        XCTAssertEqual(account?["refresh_token"] as? String, "c1-rt-1", "a reuse does not rotate")
        let view = try await sim.call("GET", "/_sim/accounts/c1").json
        XCTAssertEqual(view["issued_refresh_tokens"] as? [String], ["c1-rt-1"])
    }

    func testClaudeReuseIsInvalidGrantAndResponseCarriesIdentity() async throws {
        try await sim.register(["provider": "claude", "id": "a1", "account_uuid": "uuid-1", "email": "a1@example.com"])
        let first = try await sim.refresh("claude", "a1-rt-0")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual((first.json["account"] as? [String: Any])?["uuid"] as? String, "uuid-1")
        XCTAssertEqual((first.json["account"] as? [String: Any])?["email_address"] as? String, "a1@example.com")
        XCTAssertNotNil((first.json["organization"] as? [String: Any])?["uuid"])
        XCTAssertEqual(first.json["expires_in"] as? Int, 28800)
        let reused = try await sim.refresh("claude", "a1-rt-0")
        XCTAssertEqual(reused.status, 400)
        XCTAssertEqual(reused.json["error"] as? String, "invalid_grant")
        let reuses = try await sim.stats()["reuses"] as? Int
        XCTAssertEqual(reuses, 1)
    }

    func testGeminiAcceptsFormAndKeepsRefreshToken() async throws {
        try await sim.register(["provider": "gemini", "id": "g1"])
        for generation in 1...2 {
            let reply = try await sim.refresh("gemini", "g1-rt-0")
            XCTAssertEqual(reply.status, 200, reply.text)
            XCTAssertEqual(reply.json["access_token"] as? String, "g1-at-\(generation)")
            XCTAssertNil(reply.json["refresh_token"])
            XCTAssertEqual(reply.json["expires_in"] as? Int, 3599)
        }
    }

    func testScriptedListIsConsumedInOrderAndLastRepeats() async throws {
        try await sim.register(["provider": "codex", "id": "s1", "refresh": ["server_error", "rate_limited", "ok"]])
        let statuses = try await [
            sim.refresh("codex", "s1-rt-0").status, sim.refresh("codex", "s1-rt-0").status,
            sim.refresh("codex", "s1-rt-0").status, sim.refresh("codex", "s1-rt-1").status,
        ]
        XCTAssertEqual(statuses, [500, 429, 200, 200])
    }

    /// Every refresh failure behaviour, with the field a classifier would read.
    func testRefreshFailureShapes() async throws {
        let table: [(behaviour: String, status: Int, check: (SimProcess.Reply) -> Bool)] = [
            ("invalid_grant", 400, { $0.json["error"] as? String == "invalid_grant" }),
            ("token_expired", 401, { ($0.json["error"] as? [String: Any])?["code"] as? String == "token_expired" }),
            ("refresh_token_reused", 401,
             { ($0.json["error"] as? [String: Any])?["code"] as? String == "refresh_token_reused" }),
            ("unauthorized", 401, { $0.json.isEmpty }),
            ("invalid_client", 401, { $0.json["error"] as? String == "invalid_client" }),
            ("org_forbidden", 403, { ($0.json["error"] as? [String: Any])?["type"] as? String == "permission_error" }),
            ("deactivated", 401,
             { ($0.json["error"] as? [String: Any])?["code"] as? String == "account_deactivated" }),
            ("rate_limited", 429, { $0.header("retry-after") == "7" }),
            ("server_error", 500, { _ in true }),
            ("overloaded", 529, { ($0.json["error"] as? [String: Any])?["type"] as? String == "overloaded_error" }),
            ("malformed", 200, { (try? JSONSerialization.jsonObject(with: $0.body)) == nil }),
        ]
        for (index, row) in table.enumerated() {
            try await sim.register(["provider": "claude", "id": "f\(index)", "refresh": row.behaviour])
            let reply = try await sim.refresh("claude", "f\(index)-rt-0")
            XCTAssertEqual(reply.status, row.status, row.behaviour)
            XCTAssertTrue(row.check(reply), "\(row.behaviour): \(reply.text)")
        }
    }

    func testTokenLatencyOverlapsConcurrentCalls() async throws {
        sim.stop()
        sim = try SimProcess(["--token-latency", "300ms"])
        let bulk = try await sim.call("POST", "/_sim/accounts/bulk", json: ["provider": "codex", "count": 40, "prefix": "b"])
        XCTAssertEqual((bulk.json["accounts"] as? [[String: Any]])?.count, 40)
        let started = Date()
        let sim = self.sim!
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 { group.addTask { try await sim.refresh("codex", "b\(index)-rt-0").status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let finished = Date()
        let elapsed = finished.timeIntervalSince(started)
        XCTAssertEqual(statuses, Array(repeating: 200, count: 40))
        XCTAssertGreaterThanOrEqual(elapsed, 0.3)
        XCTAssertLessThan(elapsed, 6, "40 calls of 300 ms run serially would take 12 s")
        let stats = try await sim.stats()
        XCTAssertGreaterThan(stats["token_in_flight_max"] as? Int ?? 0, 4)
        XCTAssertEqual((stats["token_call_starts_ms"] as? [Int])?.count, 40)

        // The brief view a benchmark polls: counters and the last answer's time, no lists.
        let brief = try await sim.call("GET", "/_sim/stats?brief=1").json
        XCTAssertEqual(brief["token_calls"] as? Int, 40)
        XCTAssertEqual(brief["token_calls_ended"] as? Int, 40)
        XCTAssertNil(brief["token_call_starts_ms"])
        XCTAssertNil(brief["per_account"])
        let lastEnd = Double(brief["last_token_call_end_unix_us"] as? Int ?? 0) / 1_000_000
        XCTAssertGreaterThanOrEqual(lastEnd, started.timeIntervalSince1970 + 0.3)
        XCTAssertLessThanOrEqual(lastEnd, finished.timeIntervalSince1970 + 0.01)
    }
}
