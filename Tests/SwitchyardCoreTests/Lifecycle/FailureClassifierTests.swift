@testable import SwitchyardCore
import XCTest

/// SPEC §6.1, §6.2 and the precedence rules. Quota and API rows: the `+Quota`/`+API` files.
final class FailureClassifierTests: XCTestCase {
    private typealias F = LifecycleFixtures

    static let reauthCodes = [
        "invalid_grant", "refresh_token_expired", "refresh_token_reused", "refresh_token_invalidated",
        "token_expired", "token_invalidated", "token_revoked", "app_session_terminated", "account_session_expired",
    ]

    /// Every place a provider puts a code, with a message where the shape carries one.
    static func bodies(code: String, message: String) -> [String] {
        [
            #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#,
            #"{"error":"\#(code)","error_description":"\#(message)"}"#,
            #"{"error_code":"\#(code)","message":"\#(message)"}"#,
            #"{"code":"\#(code)","message":"\#(message)"}"#,
        ]
    }

    // MARK: - §6.1 reauth_required

    func testEveryReauthCodeFromEveryPlaceDisablesAsReauthRequired() {
        for code in Self.reauthCodes {
            for body in Self.bodies(code: code, message: "Please sign in again.") {
                for status in [400, 401, 403] {
                    for provider in Provider.allCases {
                        let decision = F.classify(.refresh, provider, status, body)
                        XCTAssertEqual(
                            decision, .permanent(.reauthRequired, code: code, message: "\(code): Please sign in again."),
                            "\(provider) \(status) \(body)")
                    }
                }
            }
        }
    }

    func testReauthCodesAreMatchedCaseInsensitively() {
        XCTAssertEqual(
            F.classify(.refresh, .gemini, 400, #"{"error":"INVALID_GRANT"}"#),
            .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant (HTTP 400)"))
    }

    func testMessageNamesTheUpstreamCode() {
        XCTAssertEqual(
            F.classify(.refresh, .gemini, 400, F.googleInvalidGrant),
            .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant: Token has been expired or revoked."))
    }

    func testCodexRefreshErrorsFromProvidersMD() {
        let expired = #"{"error":{"code":"token_expired","message":"Provided authentication token is expired. Please try signing in again."}}"#
        let reused = #"{"error":{"message":"Your refresh token has already been used to generate a new access token. Please try signing in again.","type":"invalid_request_error","code":"refresh_token_reused"}}"#
        XCTAssertEqual(F.classify(.refresh, .codex, 401, expired).guardCode, "token_expired")
        guard case .permanent(.reauthRequired, "refresh_token_reused", let message) = F.classify(.refresh, .codex, 401, reused)
        else { return XCTFail("refresh_token_reused must disable") }
        XCTAssertTrue(message.hasPrefix("refresh_token_reused: Your refresh token has already been used"), message)
    }

    func testAnyOtherRefresh401IsReauthRequired() {
        let cases: [(String, String?, String)] = [
            ("", nil, "HTTP 401"),
            ("<html>Unauthorized</html>", nil, "HTTP 401"),
            (#"{"error":{"type":"authentication_error","message":"Invalid token"}}"#, "authentication_error",
             "authentication_error: Invalid token"),
            (#"{"message":"nope"}"#, nil, "HTTP 401: nope"),
        ]
        for (body, code, message) in cases {
            XCTAssertEqual(F.classify(.refresh, .claude, 401, body), .permanent(.reauthRequired, code: code, message: message), body)
        }
        XCTAssertEqual(F.classify(.refresh, .claude, 401, "").guardCode, "reauth_required")
    }

    func testClientConfigurationErrorsNeverDisable() {
        for code in ["invalid_client", "unauthorized_client"] {
            for body in Self.bodies(code: code, message: "The OAuth client was not found.") {
                for status in [400, 401] {
                    let decision = F.classify(.refresh, .gemini, status, body)
                    XCTAssertEqual(
                        decision, .configurationError(code: code, message: "\(code): The OAuth client was not found."), body)
                    XCTAssertNil(decision.guardCode, "not counted by the guard")
                }
            }
        }
        // Even together with a reauth code: a wrong client must not disable every account.
        XCTAssertEqual(
            F.classify(.refresh, .gemini, 401, #"{"error":"unauthorized_client","error_code":"invalid_grant"}"#),
            .configurationError(code: "unauthorized_client", message: "unauthorized_client (HTTP 401)"))
    }

    func testReauthCodesOutsideRefreshDoNotDisable() {
        let body = #"{"error":{"code":"token_expired","message":"expired"}}"#
        XCTAssertEqual(F.classify(.api, .codex, 401, body), .forceRefreshThenRetry)
        XCTAssertEqual(F.classify(.quota, .codex, 401, body), .forceRefreshThenRetry)
        XCTAssertEqual(F.classify(.api, .codex, 400, body), .neutral(message: "token_expired: expired"))
    }

    // MARK: - §6.1 deactivated

    func testDeactivatedCodesFromEverySourceAndStatus() {
        for code in ["account_deactivated", "account_suspended", "account_deleted"] {
            for body in Self.bodies(code: code, message: "gone") + [#"{"detail":{"code":"\#(code)"}}"#] {
                for source in FailureSource.allCases {
                    for status in [200, 400, 401, 403, 429, 500] {
                        let decision = F.classify(source, .codex, status, body)
                        guard case .permanent(.deactivated, let found?, _) = decision else {
                            return XCTFail("\(source) \(status) \(body): \(decision)")
                        }
                        XCTAssertEqual(found, code, body)
                    }
                }
            }
        }
    }

    func testDeactivatedMessagesFromEverySourceAndStatus() {
        let messages = [
            "Your OpenAI account has been deactivated, please check your email for more information.",
            "This organization has been disabled.",
            "Your account has been suspended.",
            "ACCOUNT HAS BEEN DEACTIVATED",
        ]
        for message in messages {
            let bodies = [
                #"{"error":{"type":"permission_error","message":"\#(message)"}}"#,
                #"{"error":"access_denied","error_description":"\#(message)"}"#,
                #"{"message":"\#(message)"}"#,
                #"{"detail":"\#(message)"}"#,
                #"{"error":"\#(message)"}"#,
                // Behind another message field: every one is looked at.
                #"{"error":{"type":"permission_error","message":"Forbidden"},"error_description":"\#(message)"}"#,
                #"{"message":"Request failed","detail":"\#(message)"}"#,
            ]
            for body in bodies {
                for source in FailureSource.allCases {
                    for status in [200, 400, 401, 403, 404] {
                        let decision = F.classify(source, .claude, status, body)
                        guard case .permanent(.deactivated, _, let text) = decision else {
                            return XCTFail("\(source) \(status) \(body): \(decision)")
                        }
                        // The text is the first message field's: the phrase's own where it is first.
                        let first = body.contains("Forbidden") ? "Forbidden" : body.contains("Request failed") ? "Request failed" : message
                        XCTAssertTrue(text.contains(first), text)
                    }
                }
            }
        }
    }

    // MARK: - Precedence: deactivated > reauth_required > verification_required > status

    func testPrecedence() {
        let cases: [(FailureSource, Provider, Int, String, Decision)] = [
            // deactivated beats a reauth code
            (.refresh, .codex, 401, #"{"error":{"code":"invalid_grant","message":"account has been deactivated"}}"#,
             .permanent(.deactivated, code: "invalid_grant", message: "invalid_grant: account has been deactivated")),
            (.refresh, .codex, 401, #"{"error":{"code":"token_revoked"},"error_code":"account_deleted"}"#,
             .permanent(.deactivated, code: "account_deleted", message: "account_deleted (HTTP 401)")),
            // deactivated beats a configuration error
            (.refresh, .gemini, 401, #"{"error":"invalid_client","error_description":"organization has been disabled"}"#,
             .permanent(.deactivated, code: "invalid_client", message: "invalid_client: organization has been disabled")),
            // reauth beats the 429/5xx/403 status rules
            (.refresh, .claude, 429, #"{"error":"invalid_grant"}"#,
             .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant (HTTP 429)")),
            (.refresh, .claude, 503, #"{"error":"invalid_grant"}"#,
             .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant (HTTP 503)")),
            (.refresh, .claude, 403, #"{"error":"invalid_grant"}"#,
             .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant (HTTP 403)")),
            // deactivated beats verification
            (.api, .gemini, 403,
             #"{"error":{"status":"PERMISSION_DENIED","message":"Account suspended","details":[{"reason":"VALIDATION_REQUIRED"}]}}"#,
             .permanent(.deactivated, code: "permission_denied", message: "permission_denied: Account suspended")),
            // verification beats the API 429 status rule
            (.api, .gemini, 429, #"{"error":{"details":[{"reason":"VALIDATION_REQUIRED"}]}}"#,
             .permanent(.verificationRequired, code: "validation_required", message: "validation_required (HTTP 429)")),
        ]
        for (source, provider, status, body, expected) in cases {
            XCTAssertEqual(F.classify(source, provider, status, body), expected, body)
        }
    }

    // MARK: - §6.2 transient refresh failures

    func testTransientRefreshFailures() {
        let cases: [(Int?, String, [(String, String)], String?, Decision)] = [
            (nil, "", [], "Couldn't connect to server", .transient(retryAfter: nil, message: "network error: Couldn't connect to server")),
            (nil, "", [], "Timeout was reached", .transient(retryAfter: nil, message: "network error: Timeout was reached")),
            (200, "", [], "Operation timed out after 10000 ms", .transient(retryAfter: nil, message: "network error: Operation timed out after 10000 ms")),
            (nil, "", [], nil, .transient(retryAfter: nil, message: "no response from upstream")),
            (408, "", [], nil, .transient(retryAfter: nil, message: "HTTP 408")),
            (500, "", [], nil, .transient(retryAfter: nil, message: "HTTP 500")),
            (502, "<html>Bad Gateway</html>", [], nil, .transient(retryAfter: nil, message: "HTTP 502")),
            (503, #"{"error":{"code":503,"status":"UNAVAILABLE","message":"busy"}}"#, [], nil,
             .transient(retryAfter: nil, message: "unavailable: busy")),
            (529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, [], nil,
             .transient(retryAfter: nil, message: "overloaded_error: Overloaded")),
            (200, "<html>login</html>", [], nil, .transient(retryAfter: nil, message: "malformed response (HTTP 200)")),
            (200, #"{"token_type":"Bearer"}"#, [], nil, .transient(retryAfter: nil, message: "malformed response (HTTP 200)")),
            (400, #"{"error":"invalid_request","error_description":"Missing grant"}"#, [], nil,
             .transient(retryAfter: nil, message: "invalid_request: Missing grant")),
            (404, "", [], nil, .transient(retryAfter: nil, message: "HTTP 404")),
            // 429: Retry-After clamped to 5 s–5 min; absent → the backoff step alone.
            (429, "", [], nil, .transient(retryAfter: nil, message: "HTTP 429")),
            (429, "", [("Retry-After", "1")], nil, .transient(retryAfter: .seconds(5), message: "HTTP 429")),
            (429, "", [("retry-after", "0")], nil, .transient(retryAfter: .seconds(5), message: "HTTP 429")),
            (429, "", [("RETRY-AFTER", "30")], nil, .transient(retryAfter: .seconds(30), message: "HTTP 429")),
            (429, "", [("retry-after", "86400")], nil, .transient(retryAfter: .seconds(300), message: "HTTP 429")),
            (429, "", [("retry-after", "Tue, 14 Nov 2023 22:14:00 GMT")], nil,
             .transient(retryAfter: .seconds(40), message: "HTTP 429")),
            (429, "", [("retry-after", "soon")], nil, .transient(retryAfter: nil, message: "HTTP 429")),
        ]
        for (status, body, headers, transportError, expected) in cases {
            XCTAssertEqual(
                F.classify(.refresh, .claude, status, body, headers: headers, transportError: transportError), expected,
                "\(String(describing: status)) \(body) \(headers)")
        }
    }

    /// Seed 002: a refresh 403 (organization policy) must arm the refresh backoff — neither
    /// disable the account nor be mistaken for a quota 403.
    func testClaudeRefresh403OrgPolicyIsTransientNotDisableNotQuota() {
        XCTAssertEqual(
            F.classify(.refresh, .claude, 403, F.claudeOrgPolicy),
            .transient(
                retryAfter: nil,
                message: "permission_error: OAuth authentication is currently not allowed for this organization."))
    }

    func testVerificationRequiredOnlyFromGeminiAPI() {
        let body = #"{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"VALIDATION_REQUIRED"}]}}"#
        XCTAssertEqual(
            F.classify(.refresh, .gemini, 403, body),
            .transient(retryAfter: nil, message: "permission_denied (HTTP 403)"))
        XCTAssertEqual(F.classify(.api, .claude, 403, body), .neutral(message: "permission_denied (HTTP 403)"))
    }

    // MARK: - Messages never carry a token

    func testMessagesNeverContainTokens() {
        let secrets = [
            "sk-ant-ort01-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "ya29.a0AfH6SMBexampletokenvalue",
            "1//0gExampleRefreshToken", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ]
        for secret in secrets {
            let bodies = [
                #"{"error":"invalid_grant","error_description":"Refresh token \#(secret) is invalid"}"#,
                #"{"error":{"message":"Bearer \#(secret) rejected","code":"token_revoked"}}"#,
                #"{"message":"see https://example.com/cb?refresh_token=\#(secret)&x=1"}"#,
            ]
            for body in bodies {
                let decision = F.classify(.refresh, .claude, 400, body)
                XCTAssertFalse(decision.message.contains(secret), decision.message)
                XCTAssertTrue(decision.message.contains("[redacted]"), decision.message)
            }
            let network = F.classify(.api, .claude, nil, transportError: "proxy said: Authorization: Bearer \(secret)")
            XCTAssertFalse(network.message.contains(secret), network.message)
        }
    }
}
