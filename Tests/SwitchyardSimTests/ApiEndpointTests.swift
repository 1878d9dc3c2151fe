import Foundation
import XCTest

final class ApiEndpointTests: XCTestCase {
    private var sim: SimProcess!

    override func setUpWithError() throws {
        sim = try SimProcess()
    }

    override func tearDown() {
        sim.stop()
    }

    func testOnlyTheCurrentAccessTokenIsAccepted() async throws {
        try await sim.register(["provider": "claude", "id": "a1"])
        let body: [String: Any] = ["model": "m", "messages": [Any]()]
        let before = try await sim.call("POST", "/claude/v1/messages", json: body, headers: claudeHeaders("a1-at-0"))
        XCTAssertEqual(before.status, 200)
        XCTAssertEqual(before.header("x-sim-account"), "a1")
        _ = try await sim.refresh("claude", "a1-rt-0")
        let stale = try await sim.call("POST", "/claude/v1/messages", json: body, headers: claudeHeaders("a1-at-0"))
        XCTAssertEqual(stale.status, 401)
        XCTAssertEqual((stale.json["error"] as? [String: Any])?["type"] as? String, "authentication_error")
        let fresh = try await sim.call("POST", "/claude/v1/messages", json: body, headers: claudeHeaders("a1-at-1"))
        XCTAssertEqual(fresh.status, 200)
    }

    private func claudeHeaders(_ token: String) -> [String: String] {
        ["authorization": "Bearer \(token)", "anthropic-version": "2023-06-01",
         "anthropic-beta": "claude-code-20250219, oauth-2025-04-20"]
    }

    func testClaudeRefusesOAuthWithoutBetaHeader() async throws {
        try await sim.register(["provider": "claude", "id": "a1"])
        let reply = try await sim.call("POST", "/claude/v1/messages", json: ["model": "m"],
                                       headers: ["authorization": "Bearer a1-at-0"])
        XCTAssertEqual(reply.status, 401)
        XCTAssertTrue(reply.text.contains("OAuth authentication is currently not supported."))
    }

    func testClaudeStreamAndRateLimitHeaders() async throws {
        try await sim.register(["provider": "claude", "id": "a1", "api": ["ok", "rate_limited"],
                                "rate_limit_reset_seconds": 120])
        let auth = claudeHeaders("a1-at-0")
        let stream = try await sim.call("POST", "/claude/v1/messages", json: ["stream": true], headers: auth)
        XCTAssertEqual(stream.header("content-type"), "text/event-stream")
        let events = stream.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
        XCTAssertEqual(events.first, "message_start")
        XCTAssertEqual(events.last, "message_stop")
        XCTAssertTrue(events.contains("content_block_delta"))
        let limited = try await sim.call("POST", "/claude/v1/messages", json: ["stream": true], headers: auth)
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.header("anthropic-ratelimit-unified-status"), "rejected")
        XCTAssertEqual(limited.header("retry-after"), "120")
        let reset = Int(limited.header("anthropic-ratelimit-unified-reset") ?? "") ?? 0
        XCTAssertEqual(Double(reset), Date().timeIntervalSince1970 + 120, accuracy: 5)
    }

    func testCodexNeedsWorkspaceHeaderAndReportsUsage() async throws {
        try await sim.register(["provider": "codex", "id": "c1", "chatgpt_account_id": "ws-1", "usage_percent": [42, 100]])
        let noWorkspace = try await sim.call("GET", "/codex/backend-api/wham/usage", headers: ["authorization": "Bearer c1-at-0"])
        XCTAssertEqual(noWorkspace.status, 403)
        let headers = ["authorization": "Bearer c1-at-0", "chatgpt-account-id": "ws-1"]
        let usage = try await sim.call("GET", "/codex/backend-api/wham/usage", headers: headers)
        let limits = usage.json["rate_limit"] as? [String: Any]
        XCTAssertEqual((limits?["primary_window"] as? [String: Any])?["used_percent"] as? Int, 42)
        XCTAssertEqual((limits?["secondary_window"] as? [String: Any])?["used_percent"] as? Int, 100)
        XCTAssertEqual((limits?["secondary_window"] as? [String: Any])?["limit_window_seconds"] as? Int, 604_800)
        let stream = try await sim.call("POST", "/codex/backend-api/codex/responses", json: ["model": "m"], headers: headers)
        XCTAssertEqual(stream.status, 200)
        XCTAssertTrue(stream.text.hasPrefix("event: response.created\n"))
        XCTAssertTrue(stream.text.contains("event: response.completed\n"))
        XCTAssertEqual(stream.header("x-codex-primary-used-percent"), "42")
    }

    func testCodexOverloadIsInStreamOnHTTP200() async throws {
        try await sim.register(["provider": "codex", "id": "c1", "chatgpt_account_id": "ws-1", "api": "overloaded"])
        let reply = try await sim.call("POST", "/codex/backend-api/codex/responses", json: [:],
                                       headers: ["authorization": "Bearer c1-at-0", "chatgpt-account-id": "ws-1"])
        XCTAssertEqual(reply.status, 200)
        XCTAssertTrue(reply.text.contains("\"server_is_overloaded\""))
        XCTAssertFalse(reply.text.contains("response.completed"))
    }

    func testGeminiQuotaExhaustedCarriesBothDelays() async throws {
        try await sim.register(["provider": "gemini", "id": "g1", "api": "rate_limited",
                                "rate_limit_reset_seconds": 10920, "retry_delay_seconds": 10.5])
        let reply = try await sim.call("POST", "/gemini/v1internal:generateContent", json: ["model": "gemini-2.5-pro"],
                                       headers: ["authorization": "Bearer g1-at-0"])
        XCTAssertEqual(reply.status, 429)
        let error = reply.json["error"] as? [String: Any]
        XCTAssertEqual(error?["status"] as? String, "RESOURCE_EXHAUSTED")
        let details = error?["details"] as? [[String: Any]] ?? []
        let info = details.first { $0["reason"] as? String == "QUOTA_EXHAUSTED" }
        XCTAssertEqual((info?["metadata"] as? [String: Any])?["quotaResetDelay"] as? String, "3h2m0s")
        XCTAssertEqual((info?["metadata"] as? [String: Any])?["model"] as? String, "gemini-2.5-pro")
        XCTAssertEqual(details.first { $0["retryDelay"] != nil }?["retryDelay"] as? String, "10.5s")
    }

    func testGeminiStreamIsWrappedSSEAndQuotaHasBuckets() async throws {
        try await sim.register(["provider": "gemini", "id": "g1", "usage_percent": [100, 25]])
        let auth = ["authorization": "Bearer g1-at-0"]
        let stream = try await sim.call("POST", "/gemini/v1internal:streamGenerateContent?alt=sse",
                                        json: ["model": "gemini-2.5-flash", "project": "p", "request": [:]], headers: auth)
        let chunks = stream.text.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        XCTAssertGreaterThan(chunks.count, 1)
        for chunk in chunks {
            XCTAssertTrue(chunk.hasPrefix("data: "))
            let object = try JSONSerialization.jsonObject(with: Data(chunk.dropFirst(6).utf8)) as? [String: Any]
            XCTAssertNotNil(object?["response"], "every chunk is wrapped")
        }
        let quota = try await sim.call("POST", "/gemini/v1internal:retrieveUserQuota", json: ["project": "p"], headers: auth)
        let buckets = quota.json["buckets"] as? [[String: Any]] ?? []
        XCTAssertEqual(buckets.map { $0["modelId"] as? String }, ["gemini-2.5-pro", "gemini-2.5-flash"])
        XCTAssertEqual(buckets.first?["remainingFraction"] as? Int, 0)
        XCTAssertEqual(buckets.last?["remainingFraction"] as? Double, 0.75)
    }

    func testGeminiValidationRequired() async throws {
        try await sim.register(["provider": "gemini", "id": "g1", "api": "validation_required"])
        let reply = try await sim.call("POST", "/gemini/v1internal:generateContent", json: ["model": "m"],
                                       headers: ["authorization": "Bearer g1-at-0"])
        XCTAssertEqual(reply.status, 403)
        let details = (reply.json["error"] as? [String: Any])?["details"] as? [[String: Any]]
        XCTAssertEqual(details?.first?["reason"] as? String, "VALIDATION_REQUIRED")
    }
}
