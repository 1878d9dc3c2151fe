import Foundation
import SwitchyardCurl
import XCTest

/// Client traffic through the worker to the simulator, per provider (SPEC §8): what reaches
/// the upstream (headers, envelope) and what comes back (unwrapped, collected, streamed).
final class DataPathTests: XCTestCase {
    static let claudeBody = #"{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#
    static let claudeStream = #"{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
    static let codexBody = #"{"model":"gpt-5-codex","input":[{"role":"user","content":"hi"}],"stream":false}"#
    static let codexStream = #"{"model":"gpt-5-codex","input":[{"role":"user","content":"hi"}],"stream":true}"#
    static let geminiBody = #"{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"session_id":"s-1"}"#

    func testClaudeMessagesCarryTheOAuthHeaders() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/messages", Self.claudeBody,
                                     headers: [("anthropic-beta", "prompt-caching-2024-07-31"), ("x-api-key", "client-key")])
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.json["type"] as? String, "message")
        XCTAssertTrue(answer.body.contains("sim account a1"))
        let sent = try rig.lastAPIHeaders("a1")
        XCTAssertEqual(sent["authorization"], "Bearer <redacted>")
        XCTAssertEqual(sent["anthropic-version"], "2023-06-01")
        let betas = Set((sent["anthropic-beta"] ?? "").split(separator: ",").map(String.init))
        XCTAssertEqual(betas, ["oauth-2025-04-20", "prompt-caching-2024-07-31"])
        XCTAssertNil(sent["x-api-key"], "the client's own key never goes upstream")
        XCTAssertEqual(try rig.lastAPI("a1")["body"] as? String, Self.claudeBody, "the body goes upstream byte for byte")

        let count = try Client.post(try rig.base + "/v1/messages/count_tokens", Self.claudeBody)
        XCTAssertEqual(count.status, 200, count.body)
        XCTAssertEqual(try rig.lastAPI("a1")["path"] as? String, "/claude/v1/messages/count_tokens")
        rig.stop()
    }

    func testClaudeStreamReachesTheClientWhileTheUpstreamStillSends() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1", api: "slow_stream", extra: ["stream_gap_ms": 300])
        try rig.start()
        let url = try rig.base + "/v1/messages"
        var firstChunk: String?
        var openAtFirstChunk: Int?
        var received = ""
        let head = try CurlEasyClient().perform(
            HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")],
                        body: Array(Self.claudeStream.utf8), timeout: .seconds(30)),
            onHeaders: { _ in },
            onChunk: { chunk in
                let text = String(decoding: chunk, as: UTF8.self)
                if firstChunk == nil {
                    firstChunk = text
                    openAtFirstChunk = (try? rig.sim.stats())?["api_streams_open"] as? Int
                }
                received += text
                return true
            })
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-type"), "text/event-stream")
        XCTAssertEqual(openAtFirstChunk, 1, "the first event reached the client while the simulator was still sending")
        XCTAssertTrue(firstChunk?.contains("message_start") == true)
        XCTAssertTrue(received.contains("message_stop"), received)
        XCTAssertEqual(try rig.sim.stats()["api_streams_open"] as? Int, 0)
        rig.stop()
    }

    func testCodexNonStreamingRequestIsCollectedIntoTheFinalResponse() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1")
        try rig.start()
        for path in ["/v1/responses", "/backend-api/codex/responses"] {
            let answer = try Client.post(try rig.base + path, Self.codexBody, headers: [("session_id", "sess-9")])
            XCTAssertEqual(answer.status, 200, answer.body)
            XCTAssertEqual(answer.header("content-type"), "application/json")
            XCTAssertEqual(answer.json["object"] as? String, "response")
            XCTAssertEqual(answer.json["status"] as? String, "completed")
            XCTAssertTrue(answer.body.contains("sim account c1"))
            let sent = try rig.lastAPI("c1")
            XCTAssertEqual(sent["path"] as? String, "/codex/backend-api/codex/responses")
            XCTAssertTrue((sent["body"] as? String ?? "").contains(#""stream":true"#), "the upstream is always asked for a stream")
            let headers = try XCTUnwrap(sent["headers"] as? [String: String])
            XCTAssertEqual(headers["originator"], "codex_cli_rs")
            XCTAssertEqual(headers["session_id"], "sess-9")
            XCTAssertNotNil(headers["chatgpt-account-id"])
        }
        rig.stop()
    }

    func testCodexStreamPassesThrough() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/responses", Self.codexStream)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.header("content-type"), "text/event-stream")
        XCTAssertTrue(answer.body.hasPrefix("event: response.created"), answer.body)
        XCTAssertTrue(answer.body.contains("event: response.completed"))
        rig.stop()
    }

    func testGeminiEnvelopeProjectDiscoveryAndUnwrapping() throws {
        let rig = try ProxyRig(provider: "gemini")
        // No project in the account file: the worker asks loadCodeAssist and the supervisor stores it.
        let id = try rig.addAccount("g1", extra: ["project": "proj-g1"], fileExtra: ["project_id": NSNull()])
        try rig.start()
        let base = try rig.base
        let json = try Client.post(base + "/v1beta/models/gemini-2.5-pro:generateContent", Self.geminiBody)
        XCTAssertEqual(json.status, 200, json.body)
        XCTAssertNil(json.json["response"], "the Code Assist envelope is unwrapped: \(json.body)")
        XCTAssertNotNil(json.json["candidates"], json.body)
        let sent = try rig.lastAPI("g1")
        XCTAssertEqual(sent["path"] as? String, "/gemini/v1internal:generateContent")
        let envelope = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((sent["body"] as? String ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(envelope["model"] as? String, "gemini-2.5-pro")
        XCTAssertEqual(envelope["project"] as? String, "proj-g1")
        XCTAssertEqual((envelope["request"] as? [String: Any])?["session_id"] as? String, "s-1")
        XCTAssertTrue(eventually { try rig.daemon.readAccount(id)["project_id"] as? String == "proj-g1" }, rig.daemon.log())

        let sse = try Client.post(base + "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", Self.geminiBody)
        XCTAssertEqual(sse.status, 200, sse.body)
        XCTAssertEqual(sse.header("content-type"), "text/event-stream")
        XCTAssertTrue(sse.body.hasPrefix("data: {\"candidates\""), sse.body)
        XCTAssertFalse(sse.body.contains("\"response\""), sse.body)

        let array = try Client.post(base + "/v1beta/models/gemini-2.5-pro:streamGenerateContent", Self.geminiBody)
        XCTAssertEqual(array.status, 200, array.body)
        let chunks = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(array.body.utf8)) as? [[String: Any]], array.body)
        XCTAssertGreaterThan(chunks.count, 1)
        XCTAssertNotNil(chunks[0]["candidates"])

        let count = try Client.post(base + "/v1beta/models/gemini-2.5-pro:countTokens", #"{"contents":[{"parts":[{"text":"hi"}]}]}"#)
        XCTAssertEqual(count.status, 200, count.body)
        XCTAssertNotNil(count.json["totalTokens"], count.body)
        rig.stop()
    }

    func testModelsAndHealthAnsweredLocally() throws {
        let rig = try ProxyRig(provider: "codex", extraConfig: "")
        try rig.start()
        let models = try Client.get(try rig.base + "/v1/models")
        XCTAssertEqual(models.status, 200)
        XCTAssertEqual(models.json["object"] as? String, "list")
        XCTAssertFalse((models.json["data"] as? [[String: Any]] ?? []).isEmpty)
        XCTAssertEqual(try Client.get(try rig.base + "/nowhere").status, 404)
        XCTAssertEqual(try rig.sim.stats()["api_calls"] as? Int, 0)
        rig.stop()
    }
}
