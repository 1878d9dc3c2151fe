@testable import SwitchyardCore
import XCTest

/// SPEC §6.4: API responses.
final class FailureClassifierAPITests: XCTestCase {
    private typealias F = LifecycleFixtures
    private let now = LifecycleFixtures.now

    func testAPI401ForcesARefresh() {
        for provider in Provider.allCases {
            XCTAssertEqual(F.classify(.api, provider, 401, ""), .forceRefreshThenRetry)
            XCTAssertEqual(
                F.classify(.api, provider, 401, #"{"error":{"type":"authentication_error","message":"OAuth token has expired."}}"#),
                .forceRefreshThenRetry)
        }
    }

    func testAPI429CooldownFromProviderResetInformation() {
        let codexBody = { (fields: String) in
            #"{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached",\#(fields)}}"#
        }
        let cases: [(Provider, String, [(String, String)], Int64, String?)] = [
            // No reset information at all: 60 s.
            (.claude, "", [], now + 60, nil),
            (.claude, "", [("retry-after", "30")], now + 30, nil),
            (.claude, "", [("Retry-After", "12.2")], now + 13, nil),
            // Anthropic's unified reset (Unix seconds); the longer wins over Retry-After.
            (.claude, "", [("anthropic-ratelimit-unified-reset", "\(now + 18_000)"), ("retry-after", "30")], now + 18_000, nil),
            (.claude, "", [("Anthropic-RateLimit-Unified-Reset", "\(now + 900)")], now + 900, nil),
            // Codex body resets.
            (.codex, codexBody(#""resets_in_seconds":1234"#), [], now + 1234, nil),
            (.codex, codexBody(#""resets_at":\#(now + 5000)"#), [], now + 5000, nil),
            (.codex, codexBody(#""resets_at":\#(now + 5000),"resets_in_seconds":7000"#), [], now + 7000, nil),
            // A reset already past is ignored.
            (.codex, codexBody(#""resets_at":\#(now - 10)"#), [], now + 60, nil),
            // Google QUOTA_EXHAUSTED: quotaResetDelay vs retryDelay, the longer wins; model-scoped.
            (.gemini, F.googleQuotaExhausted(), [], now + 3 * 3600 + 120, "gemini-2.5-pro"),
            (.gemini, F.googleQuotaExhausted(resetDelay: "1.5s", retryDelay: "10.5s"), [], now + 11, "gemini-2.5-pro"),
            (.gemini, F.googleQuotaExhausted(resetDelay: "2h0m0.5s", retryDelay: "0s"), [], now + 7201, "gemini-2.5-pro"),
            // Not QUOTA_EXHAUSTED: quotaResetDelay is not a reset time; RetryInfo alone decides.
            (.gemini, F.googleQuotaExhausted(reason: "RATE_LIMIT_EXCEEDED", resetDelay: "1h"), [], now + 11, "gemini-2.5-pro"),
            (.gemini, #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow down"}}"#, [], now + 60, nil),
            // Model metadata only scopes Gemini cooldowns.
            (.codex, F.googleQuotaExhausted(), [], now + 3 * 3600 + 120, nil),
            // An absurd reset is capped at a week.
            (.claude, "", [("anthropic-ratelimit-unified-reset", "\(now + 90 * 86_400)")], now + 7 * 86_400, nil),
        ]
        for (provider, body, headers, until, model) in cases {
            let decision = F.classify(.api, provider, 429, body, headers: headers)
            guard case .cooldown(let gotUntil, let reason, let gotModel) = decision else {
                XCTFail("\(provider) \(body) \(headers): \(decision)")
                continue
            }
            XCTAssertEqual(gotUntil, until, "\(provider) \(body) \(headers)")
            XCTAssertEqual(gotModel, model, "\(provider) \(body)")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testCooldownReasonNamesTheCode() {
        let decision = F.classify(.api, .gemini, 429, F.googleQuotaExhausted())
        XCTAssertEqual(
            decision,
            .cooldown(
                until: now + 10_920, reason: "resource_exhausted: You have exhausted your capacity on this model.",
                model: "gemini-2.5-pro"))
    }

    func testOverloadAndServerErrorsRetryElsewhere() {
        let cases: [(Provider, Int?, String, String?, String)] = [
            (.claude, 529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, nil,
             "overloaded_error: Overloaded"),
            (.claude, 200, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, nil,
             "overloaded_error: Overloaded"),
            (.codex, 200, #"{"error":{"code":"server_is_overloaded","message":"Our servers are busy"}}"#, nil,
             "server_is_overloaded: Our servers are busy"),
            (.codex, 429, #"{"error":{"code":"server_is_overloaded"}}"#, nil, "server_is_overloaded (HTTP 429)"),
            (.gemini, 503, #"{"error":{"code":503,"status":"UNAVAILABLE","message":"The model is overloaded."}}"#, nil,
             "unavailable: The model is overloaded."),
            (.claude, 500, "", nil, "HTTP 500"),
            (.claude, 529, "", nil, "HTTP 529"),
            (.codex, 502, "<html>bad gateway</html>", nil, "HTTP 502"),
            (.codex, nil, "", "Recv failure: Connection reset by peer", "network error: Recv failure: Connection reset by peer"),
        ]
        for (provider, status, body, transportError, message) in cases {
            XCTAssertEqual(
                F.classify(.api, provider, status, body, transportError: transportError), .retryElsewhere(message: message),
                body)
        }
    }

    func testGeminiValidationRequiredDisablesForVerification() {
        let body = #"""
            {"error":{"code":403,"message":"Verify your account to continue.","status":"PERMISSION_DENIED",
             "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"VALIDATION_REQUIRED"}]}}
            """#
        let decision = F.classify(.api, .gemini, 403, body)
        XCTAssertEqual(
            decision,
            .permanent(.verificationRequired, code: "validation_required", message: "validation_required: Verify your account to continue."))
        XCTAssertEqual(decision.guardCode, "validation_required")
    }

    func testOtherClientErrorsAreNeutral() {
        let cases: [(Provider, Int, String, String)] = [
            (.claude, 400, #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens too large"}}"#,
             "invalid_request_error: max_tokens too large"),
            (.claude, 403, LifecycleFixtures.claudeOrgPolicy,
             "permission_error: OAuth authentication is currently not allowed for this organization."),
            (.gemini, 403, #"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"denied"}}"#, "permission_denied: denied"),
            (.codex, 404, "", "HTTP 404"),
            (.codex, 413, "", "HTTP 413"),
            (.gemini, 400, #"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}"#,
             "invalid_argument: Invalid JSON payload"),
        ]
        for (provider, status, body, message) in cases {
            XCTAssertEqual(F.classify(.api, provider, status, body), .neutral(message: message), body)
        }
    }
}
