import XCTest

@testable import SwitchyardCore

final class ClientRequestTests: XCTestCase {
    private func inspect(_ body: String, _ provider: Provider) -> Result<ClientRequest, ClientError> {
        ClientRequest.inspect(Array(body.utf8), provider: provider)
    }

    func testReadsModelStreamAndBodySessionPerProvider() {
        XCTAssertEqual(
            try inspect(#"{"model":"claude-sonnet-4-5","stream":true,"metadata":{"user_id":"user_abc_session_9"},"messages":[{"role":"user","content":"{\"model\":\"x\"}"}]}"#, .claude).get(),
            ClientRequest(model: "claude-sonnet-4-5", stream: true, bodySession: "user_abc_session_9"))
        XCTAssertEqual(
            try inspect(#" {"model":"gpt-5-codex","input":[],"stream":false,"prompt_cache_key":"p-\u00e9"} "#, .codex).get(),
            ClientRequest(model: "gpt-5-codex", stream: false, bodySession: "p-é"))
        XCTAssertEqual(
            try inspect(#"{"contents":[{"parts":[{"text":"hi"}]}],"session_id":"g-1"}"#, .gemini).get(),
            ClientRequest(model: nil, stream: nil, bodySession: "g-1"))
    }

    func testMalformedBodiesAreRejectedWithTheReason() {
        let cases: [(String, Provider, String)] = [
            ("not json", .claude, "the body is not a JSON object"),
            (#"{"model":"m","messages":[]"#, .claude, "the body is not a JSON object"),
            (#"{"model":"m","messages":[]} trailing"#, .claude, "the body is not a JSON object"),
            (#"[{"model":"m"}]"#, .codex, "the body is not a JSON object"),
            (#"{"messages":[]}"#, .claude, "missing field model"),
            (#"{"model":"m"}"#, .claude, "missing field messages"),
            (#"{"model":"m","messages":[]}"#, .codex, "missing field input"),
            (#"{"model":"gemini"}"#, .gemini, "missing field contents"),
            (#"{"model":42,"input":[]}"#, .codex, "model must be a non-empty string"),
            (#"{"model":"","input":[]}"#, .codex, "model must be a non-empty string"),
        ]
        for (body, provider, reason) in cases {
            XCTAssertEqual(inspect(body, provider), .failure(.malformed(reason: reason)), body)
        }
    }

    func testSessionKeyPrefersTheSwitchyardHeaderThenTheProvidersOwn() {
        let request = ClientRequest(model: "m", bodySession: "from-body")
        let none: (String) -> String? = { _ in nil }
        XCTAssertEqual(request.sessionKey(provider: .claude, header: none), "from-body")
        XCTAssertEqual(request.sessionKey(provider: .claude) { $0 == "x-claude-code-session-id" ? "cc" : nil }, "cc")
        XCTAssertEqual(request.sessionKey(provider: .codex) { $0 == "session_id" ? "codex-s" : nil }, "codex-s")
        XCTAssertEqual(request.sessionKey(provider: .gemini) { $0 == "session_id" ? "ignored" : nil }, "from-body")
        let all: (String) -> String? = { ["x-switchyard-session": "sy", "session_id": "c", "x-claude-code-session-id": "cc"][$0] }
        for provider in Provider.allCases { XCTAssertEqual(request.sessionKey(provider: provider, header: all), "sy") }
        XCTAssertNil(ClientRequest(model: "m").sessionKey(provider: .codex, header: none))
    }

    func testStringLiterals() {
        XCTAssertEqual(JSONSpan.string(Array(#""plain""#.utf8)[...]), "plain")
        XCTAssertEqual(JSONSpan.string(Array(#""a\"b\n""#.utf8)[...]), "a\"b\n")
        XCTAssertNil(JSONSpan.string(Array("42".utf8)[...]))
        XCTAssertNil(JSONSpan.string(Array("\"".utf8)[...]))
    }
}
