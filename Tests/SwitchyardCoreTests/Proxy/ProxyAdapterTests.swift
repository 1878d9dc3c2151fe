import Foundation
import XCTest

@testable import SwitchyardCore

final class ProxyAdapterTests: XCTestCase {
    private func config(_ provider: Provider, headers: [String: String] = [:]) -> ProviderConfig {
        var config = ProviderConfig.defaults(for: provider)
        config.apiBase = "http://up.test/base"
        config.headers = headers
        return config
    }

    private func call(_ endpoint: ClientEndpoint, body: String, headers: [(String, String)] = [], query: String? = nil,
                      provider: Provider) throws -> ProxyCall {
        let request = try ClientRequest.inspect(Array(body.utf8), provider: provider).get()
        return ProxyCall(endpoint: endpoint, query: query, headers: headers, body: Array(body.utf8), request: request)
    }

    func testRoutes() {
        XCTAssertEqual(ClientEndpoint.route(provider: .claude, method: "POST", path: "/v1/messages"), .claudeMessages)
        XCTAssertEqual(ClientEndpoint.route(provider: .claude, method: "POST", path: "/v1/messages/count_tokens"), .claudeCountTokens)
        XCTAssertEqual(ClientEndpoint.route(provider: .claude, method: "GET", path: "/v1/models"), .models)
        XCTAssertEqual(ClientEndpoint.route(provider: .codex, method: "POST", path: "/v1/responses"), .codexResponses)
        XCTAssertEqual(ClientEndpoint.route(provider: .codex, method: "POST", path: "/backend-api/codex/responses"), .codexResponses)
        XCTAssertEqual(ClientEndpoint.route(provider: .gemini, method: "POST", path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent"),
                       .gemini(model: "gemini-2.5-pro", method: .streamGenerateContent))
        XCTAssertEqual(ClientEndpoint.route(provider: .gemini, method: "GET", path: "/v1beta/models"), .models)
        XCTAssertEqual(ClientEndpoint.route(provider: .gemini, method: "GET", path: "/healthz"), .health)
        XCTAssertNil(ClientEndpoint.route(provider: .gemini, method: "POST", path: "/v1beta/models/x:embedContent"))
        XCTAssertNil(ClientEndpoint.route(provider: .gemini, method: "POST", path: "/v1beta/models/:generateContent"))
        XCTAssertNil(ClientEndpoint.route(provider: .claude, method: "POST", path: "/v1/responses"))
        XCTAssertNil(ClientEndpoint.route(provider: .codex, method: "GET", path: "/v1/responses"))
        XCTAssertNil(ClientEndpoint.route(provider: .claude, method: "POST", path: "/healthz"))
    }

    func testClaudeMergesTheOAuthBetaAndDropsClientCredentials() throws {
        let body = #"{"model":"m","messages":[]}"#
        let request = ClaudeProxy().upstreamRequest(
            try call(.claudeMessages, body: body, headers: [
                ("x-api-key", "client"), ("Anthropic-Beta", "a-1, oauth-2025-04-20"), ("anthropic-beta", "b-2"),
                ("Accept-Encoding", "gzip"), ("user-agent", "claude-cli/2"), ("x-switchyard-session", "s"),
            ], provider: .claude),
            account: ProxyCredentials(accessToken: "tok"), config: config(.claude, headers: ["user-agent": "override/1"]))
        XCTAssertEqual(request.url, "http://up.test/base/v1/messages")
        XCTAssertEqual(request.body, Array(body.utf8))
        XCTAssertEqual(request.header("authorization"), "Bearer tok")
        XCTAssertEqual(request.header("anthropic-beta"), "oauth-2025-04-20,a-1,b-2")
        XCTAssertEqual(request.header("anthropic-version"), "2023-06-01")
        XCTAssertEqual(request.header("user-agent"), "override/1", "the config's headers win")
        for gone in ["x-api-key", "accept-encoding", "x-switchyard-session"] { XCTAssertNil(request.header(gone), gone) }
        XCTAssertEqual(request.headers.filter { $0.0.lowercased() == "anthropic-beta" }.count, 1)
    }

    func testCodexAsksForAStreamAndNamesTheWorkspace() throws {
        let adapter = CodexProxy()
        let credentials = ProxyCredentials(accessToken: "tok", chatgptAccountID: "ws-1")
        for (body, expected) in [
            (#"{"model":"m","input":[],"stream":false}"#, #"{"model":"m","input":[],"stream":true}"#),
            (#"{"model":"m","input":[]}"#, #"{"stream":true,"model":"m","input":[]}"#),
            (#"{"model":"m","stream":true,"input":[]}"#, #"{"model":"m","stream":true,"input":[]}"#),
        ] {
            let proxied = try call(.codexResponses, body: body, headers: [("session_id", "s-9")], provider: .codex)
            let request = adapter.upstreamRequest(proxied, account: credentials, config: config(.codex))
            XCTAssertEqual(String(decoding: request.body ?? [], as: UTF8.self), expected)
            XCTAssertEqual(request.url, "http://up.test/base/responses")
            XCTAssertEqual(request.header("chatgpt-account-id"), "ws-1")
            XCTAssertEqual(request.header("originator"), "codex_cli_rs")
            XCTAssertEqual(request.header("session_id"), "s-9")
            XCTAssertEqual(adapter.responseShape(proxied, contentType: "text/event-stream"),
                           proxied.request.stream == true ? .eventStream(unwrapGemini: false) : .codexCollected)
        }
        XCTAssertEqual(String(decoding: CodexProxy.forcingStream(Array("{ }".utf8)), as: UTF8.self), #"{"stream":true }"#)
    }

    func testGeminiWrapsAndPicksItsShape() throws {
        let adapter = GeminiProxy()
        let body = #"{"contents":[{"parts":[{"text":"hi"}]}]}"#
        let stream = try call(.gemini(model: "g-pro", method: .streamGenerateContent), body: body, query: "alt=sse", provider: .gemini)
        let request = adapter.upstreamRequest(stream, account: ProxyCredentials(accessToken: "tok", projectID: "p-1"), config: config(.gemini))
        XCTAssertEqual(request.url, "http://up.test/base/v1internal:streamGenerateContent?alt=sse")
        XCTAssertEqual(String(decoding: request.body ?? [], as: UTF8.self), #"{"model":"g-pro","project":"p-1","request":"# + body + "}")
        XCTAssertEqual(adapter.responseShape(stream, contentType: "text/event-stream"), .eventStream(unwrapGemini: true))
        let array = try call(.gemini(model: "g-pro", method: .streamGenerateContent), body: body, provider: .gemini)
        XCTAssertEqual(adapter.responseShape(array, contentType: "text/event-stream"), .geminiArray)
        let count = try call(.gemini(model: "g-pro", method: .countTokens), body: body, provider: .gemini)
        let countRequest = adapter.upstreamRequest(count, account: ProxyCredentials(accessToken: "tok"), config: config(.gemini))
        XCTAssertEqual(String(decoding: countRequest.body ?? [], as: UTF8.self),
                       #"{"request":{"model":"models/g-pro","contents":[{"parts":[{"text":"hi"}]}]}}"#)
        XCTAssertEqual(adapter.responseShape(count, contentType: "application/json"), .geminiJSON)
    }

    func testGeminiProjectDiscovery() {
        XCTAssertEqual(GeminiProxy.discoveredProject(Array(#"{"cloudaicompanionProject":"p-7"}"#.utf8)), "p-7")
        XCTAssertEqual(GeminiProxy.discoveredProject(Array(#"{"cloudaicompanionProject":{"id":"p-8","name":"x"}}"#.utf8)), "p-8")
        XCTAssertNil(GeminiProxy.discoveredProject(Array(#"{"currentTier":{}}"#.utf8)))
        let request = GeminiProxy.projectDiscoveryRequest(accessToken: "tok", config: config(.gemini))
        XCTAssertEqual(request.url, "http://up.test/base/v1internal:loadCodeAssist")
    }

    func testResponseHeadersNeverCarryTheUpstreamAccount() {
        let passed = ForwardedHeaders.downstream([
            (name: "Content-Type", value: "text/event-stream"), (name: "set-cookie", value: "s=1"),
            (name: "anthropic-organization-id", value: "org"), (name: "Transfer-Encoding", value: "chunked"),
            (name: "x-codex-primary-used-percent", value: "12"),
        ])
        XCTAssertEqual(passed.map(\.name), ["Content-Type", "x-codex-primary-used-percent"])
    }

    func testClientCredentialsAndFramingNeverGoUpstreamWhateverTheirCase() {
        let passed = ForwardedHeaders.upstream([
            ("Authorization", "Bearer client"), ("X-Api-Key", "k"), ("COOKIE", "c=1"), ("Accept-Encoding", "gzip"),
            ("anthropic-beta", "b"), ("X-Switchyard-Session", "s"), ("Content-Length", "2"), ("session_id", "abc"),
        ])
        XCTAssertEqual(passed.map(\.0), ["anthropic-beta", "session_id"])
    }

    func testModelListsInEachShape() throws {
        let claude = try XCTUnwrap(JSONSerialization.jsonObject(with: ModelList.body(for: .claude, configured: ["m1"])) as? [String: Any])
        XCTAssertEqual((claude["data"] as? [[String: Any]])?.first?["id"] as? String, "m1")
        let gemini = try XCTUnwrap(JSONSerialization.jsonObject(with: ModelList.body(for: .gemini, configured: [])) as? [String: Any])
        XCTAssertEqual((gemini["models"] as? [[String: Any]])?.count, ModelList.builtIn(for: .gemini).count)
    }
}
