import SwitchyardCore
import XCTest

final class ClaudeAdapterTests: XCTestCase {
    private let adapter = ClaudeAdapter()
    private let now = ProviderTestSupport.now

    func testRefreshRequestIsAJSONPostToTheTokenURL() {
        let config = ProviderTestSupport.config(.claude)
        let request = adapter.refreshRequest(
            refreshToken: #"sk-ant-ort01-a/b+c"d\e"#, clientID: "client-1", clientSecret: "ignored", config: config)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "http://127.0.0.1:9/claude/token")
        XCTAssertEqual(
            ProviderTestSupport.lines(request.headers), ["Content-Type: application/json", "Accept: application/json"])
        XCTAssertEqual(
            ProviderTestSupport.text(request.body),
            #"{"client_id":"client-1","grant_type":"refresh_token","refresh_token":"sk-ant-ort01-a/b+c\"d\\e"}"#)
    }

    func testConfigHeadersOverrideAndExtendEveryRequest() {
        let config = ProviderTestSupport.config(.claude, headers: ["user-agent": "switchyard/1", "accept": "*/*"])
        let refresh = adapter.refreshRequest(refreshToken: "rt", clientID: "c", clientSecret: nil, config: config)
        XCTAssertEqual(
            ProviderTestSupport.lines(refresh.headers),
            ["Content-Type: application/json", "accept: */*", "user-agent: switchyard/1"])
        let usage = adapter.usageRequest(accessToken: "at", chatgptAccountID: nil, projectID: nil, config: config)
        XCTAssertEqual(usage.header("User-Agent"), "switchyard/1")
        XCTAssertEqual(usage.header("Accept"), "*/*")
    }

    func testUsageRequestIsABearerGetWithTheOAuthBeta() {
        let request = adapter.usageRequest(
            accessToken: "sk-ant-oat01-x", chatgptAccountID: "unused", projectID: "unused",
            config: ProviderTestSupport.config(.claude))
        XCTAssertEqual(
            request,
            UpstreamRequest(
                method: "GET", url: "http://127.0.0.1:9/claude/usage",
                headers: [
                    ("Authorization", "Bearer sk-ant-oat01-x"), ("anthropic-beta", "oauth-2025-04-20"),
                    ("Accept", "application/json"),
                ]))
    }

    func testTokenResponseGivesAccountIdentity() throws {
        let body = """
            {"access_token":"sk-ant-oat01-new","refresh_token":"sk-ant-ort01-new","token_type":"Bearer",
             "expires_in":28800,"scope":"user:inference user:profile",
             "organization":{"uuid":"org-1","name":"Org"},
             "account":{"uuid":"acc-uuid-1","email_address":"User@Example.com"}}
            """
        let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now)
        XCTAssertEqual(
            grant,
            TokenGrant(
                accessToken: "sk-ant-oat01-new", refreshToken: "sk-ant-ort01-new", expiresAt: now + 28800,
                accountUUID: "acc-uuid-1", email: "User@Example.com"))
    }

    func testTokenResponseWithoutRefreshTokenKeepsTheOldOne() throws {
        let cases = [
            #"{"access_token":"a","expires_in":28800}"#,
            #"{"access_token":"a","refresh_token":null,"expires_in":28800}"#,
            #"{"access_token":"a","refresh_token":"","expires_in":28800}"#,
        ]
        for body in cases {
            let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now)
            XCTAssertEqual(grant, TokenGrant(accessToken: "a", expiresAt: now + 28800), body)
        }
    }

    func testUsageFromTheProvidersExample() throws {
        let body = """
            {"five_hour":{"utilization":24.0,"resets_at":"2026-01-02T19:59:59.600956+00:00"},
             "seven_day":{"utilization":36.0,"resets_at":"2026-01-08T06:59:59Z"},
             "seven_day_sonnet":{"utilization":1.0,"resets_at":null},
             "seven_day_opus":{"utilization":100,"resets_at":"2026-01-08T06:59:59Z"},
             "seven_day_oauth_apps":null,"iguana_necktie":null,
             "extra_usage":{"is_enabled":false,"monthly_limit":null,"used_credits":null,"utilization":null}}
            """
        let windows = try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now)
        XCTAssertEqual(
            windows,
            [
                QuotaWindow(name: "five_hour", usedPercent: 24, resetsAt: 1_767_384_000),
                QuotaWindow(name: "seven_day", usedPercent: 36, resetsAt: 1_767_855_599),
                QuotaWindow(name: "seven_day_opus", usedPercent: 100, resetsAt: 1_767_855_599),
                QuotaWindow(name: "seven_day_sonnet", usedPercent: 1, resetsAt: nil),
            ])
    }

    func testMalformedBodiesThrowTypedErrors() {
        let usageCases: [(String, ProviderParseError)] = [
            ("<html>502</html>", .notJSON),
            ("[1,2]", .notAnObject),
            (#"{"five_hour":{"utilization":"37%"}}"#, .invalidField("five_hour.utilization")),
            (#"{"five_hour":{"utilization":37,"resets_at":"tomorrow"}}"#, .invalidField("five_hour.resets_at")),
            (#"{"five_hour":{"utilization":37,"resets_at":1767384000}}"#, .invalidField("five_hour.resets_at")),
        ]
        for (body, expected) in usageCases {
            XCTAssertThrowsError(try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now), body) {
                XCTAssertEqual($0 as? ProviderParseError, expected, body)
            }
        }
        let tokenCases: [(String, ProviderParseError)] = [
            ("", .notJSON),
            ("\"sk-ant-oat01-x\"", .notAnObject),
            (#"{"refresh_token":"sk-ant-ort01-secret"}"#, .missingAccessToken),
            (#"{"access_token":42}"#, .missingAccessToken),
            (#"{"access_token":""}"#, .missingAccessToken),
        ]
        for (body, expected) in tokenCases {
            XCTAssertThrowsError(try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now), body) {
                XCTAssertEqual($0 as? ProviderParseError, expected, body)
            }
        }
    }
}
