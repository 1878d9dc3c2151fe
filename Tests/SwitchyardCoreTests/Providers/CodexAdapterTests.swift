import SwitchyardCore
import XCTest

final class CodexAdapterTests: XCTestCase {
    private let adapter = CodexAdapter()
    private let now = ProviderTestSupport.now

    func testRefreshRequestIsAJSONPostWithTheCLIScope() {
        let request = adapter.refreshRequest(
            refreshToken: "rt_abc/def", clientID: "app_EMoamEEZ73f0CkXaXp7hrann", clientSecret: nil,
            config: ProviderTestSupport.config(.codex))
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "http://127.0.0.1:9/codex/token")
        XCTAssertEqual(
            ProviderTestSupport.lines(request.headers), ["Content-Type: application/json", "Accept: application/json"])
        XCTAssertEqual(
            ProviderTestSupport.text(request.body),
            #"{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann","grant_type":"refresh_token","#
                + #""refresh_token":"rt_abc/def","scope":"openid profile email"}"#)
    }

    func testUsageRequestCarriesTheAccountIDWhenKnown() {
        let config = ProviderTestSupport.config(.codex, headers: ["originator": "codex_cli_rs"])
        let withID = adapter.usageRequest(accessToken: "at", chatgptAccountID: "acct-1", projectID: nil, config: config)
        XCTAssertEqual(
            withID,
            UpstreamRequest(
                method: "GET", url: "http://127.0.0.1:9/codex/usage",
                headers: [
                    ("Authorization", "Bearer at"), ("chatgpt-account-id", "acct-1"), ("Accept", "application/json"),
                    ("originator", "codex_cli_rs"),
                ]))
        let withoutID = adapter.usageRequest(accessToken: "at", chatgptAccountID: nil, projectID: nil, config: config)
        XCTAssertNil(withoutID.header("chatgpt-account-id"))
    }

    func testTokenResponseReadsTheIDTokenClaims() throws {
        let claimSets: [(String, String, String?, String?, String?)] = [
            (
                "current claims",
                #"{"email":"dev@example.com","https://api.openai.com/auth":{"chatgpt_account_id":"acct-1","#
                    + #""chatgpt_plan_type":"plus","chatgpt_user_id":"user-1","user_id":"user-old"}}"#,
                "dev@example.com", "acct-1", "user-1"
            ),
            (
                "older claims",
                #"{"https://api.openai.com/profile":{"email":"old@example.com"},"#
                    + #""https://api.openai.com/auth":{"chatgpt_account_id":"acct-2","user_id":"user-2"}}"#,
                "old@example.com", "acct-2", "user-2"
            ),
            ("no auth claim", #"{"email":"e@example.com"}"#, "e@example.com", nil, nil),
        ]
        for (name, claims, email, accountID, userID) in claimSets {
            let idToken = ProviderTestSupport.jwt(claims)
            let body = #"{"access_token":"at","refresh_token":"rt2","id_token":"\#(idToken)","expires_in":864000}"#
            let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now)
            XCTAssertEqual(
                grant,
                TokenGrant(
                    accessToken: "at", refreshToken: "rt2", idToken: idToken, expiresAt: now + 864_000, email: email,
                    chatgptAccountID: accountID, chatgptUserID: userID),
                name)
        }
    }

    /// A 2xx answer has already consumed the single-use refresh token: an unreadable id_token
    /// must not make the rotated refresh token get thrown away.
    func testUnreadableIDTokenStillYieldsTheGrant() throws {
        let body = #"{"access_token":"at","refresh_token":"rt2","id_token":"garbage","expires_in":"3600"}"#
        let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now)
        XCTAssertEqual(
            grant, TokenGrant(accessToken: "at", refreshToken: "rt2", idToken: "garbage", expiresAt: now + 3600))
    }

    func testTokenResponseWithoutRefreshTokenKeepsTheOldOne() throws {
        let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(#"{"access_token":"at"}"#), now: now)
        XCTAssertNil(grant.refreshToken)
        XCTAssertNil(grant.expiresAt)
    }

    /// Codex access tokens are JWTs: without `expires_in`, their `exp` gives the expiry.
    func testExpiryFallsBackToTheAccessTokensExpClaim() throws {
        let accessToken = ProviderTestSupport.jwt(#"{"exp":1767300000}"#)
        let cases: [(String, Int64?)] = [
            (#"{"access_token":"\#(accessToken)"}"#, 1_767_300_000),
            (#"{"access_token":"\#(accessToken)","expires_in":60}"#, now + 60),
            (#"{"access_token":"opaque"}"#, nil),
        ]
        for (body, expected) in cases {
            let grant = try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now)
            XCTAssertEqual(grant.expiresAt, expected, body)
        }
    }

    func testUsageFromTheProvidersExample() throws {
        let body = """
            {"plan_type":"plus","rate_limit":{"allowed":true,"limit_reached":false,
             "primary_window":{"used_percent":42,"limit_window_seconds":18000,"reset_after_seconds":3600,
                               "reset_at":1767240000},
             "secondary_window":{"used_percent":7.5,"limit_window_seconds":604800,"reset_after_seconds":86400}}}
            """
        let windows = try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now)
        XCTAssertEqual(
            windows,
            [
                QuotaWindow(name: "primary", usedPercent: 42, resetsAt: 1_767_240_000),
                QuotaWindow(name: "secondary", usedPercent: 7.5, resetsAt: now + 86_400),
            ])
    }

    func testUsageWithoutSecondaryWindowOrResetInformation() throws {
        let body = #"{"rate_limit":{"primary_window":{"used_percent":100},"secondary_window":null}}"#
        XCTAssertEqual(
            try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now),
            [QuotaWindow(name: "primary", usedPercent: 100, resetsAt: nil)])
    }

    func testMalformedUsageThrowsTypedErrors() {
        let window = "rate_limit.primary_window"
        let cases: [(String, ProviderParseError)] = [
            ("not json", .notJSON),
            ("null", .notAnObject),
            (#"{"plan_type":"plus"}"#, .missingField("rate_limit")),
            (#"{"rate_limit":[]}"#, .invalidField("rate_limit")),
            (#"{"rate_limit":{"primary_window":{"reset_at":1}}}"#, .missingField("\(window).used_percent")),
            (#"{"rate_limit":{"primary_window":{"used_percent":"42"}}}"#, .invalidField("\(window).used_percent")),
            (#"{"rate_limit":{"primary_window":{"used_percent":4,"reset_at":"x"}}}"#, .invalidField("\(window).reset_at")),
            (#"{"rate_limit":{"secondary_window":7}}"#, .invalidField("rate_limit.secondary_window")),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now), body) {
                XCTAssertEqual($0 as? ProviderParseError, expected, body)
            }
        }
    }
}
