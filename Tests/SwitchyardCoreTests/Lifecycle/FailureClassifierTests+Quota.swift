@testable import SwitchyardCore
import XCTest

/// SPEC §6.3: quota reads.
final class FailureClassifierQuotaTests: XCTestCase {
    private typealias F = LifecycleFixtures

    func testQuotaRows() {
        let cases: [(Int?, String, [(String, String)], String?, Decision)] = [
            (401, "", [], nil, .forceRefreshThenRetry),
            (401, #"{"error":{"type":"authentication_error","message":"expired"}}"#, [], nil, .forceRefreshThenRetry),
            (403, #"{"error":{"message":"missing scope user:profile"}}"#, [], nil,
             .quotaUnavailable(message: "HTTP 403: missing scope user:profile")),
            // 429: Retry-After with a 60 s floor, which also applies without the header.
            (429, "", [], nil, .transient(retryAfter: .seconds(60), message: "HTTP 429")),
            (429, "", [("Retry-After", "10")], nil, .transient(retryAfter: .seconds(60), message: "HTTP 429")),
            (429, "", [("retry-after", "120")], nil, .transient(retryAfter: .seconds(120), message: "HTTP 429")),
            (500, "", [], nil, .transient(retryAfter: nil, message: "HTTP 500")),
            (503, "", [("retry-after", "120")], nil, .transient(retryAfter: nil, message: "HTTP 503")),
            (nil, "", [], "Could not resolve host: api.anthropic.com", .transient(
                retryAfter: nil, message: "network error: Could not resolve host: api.anthropic.com")),
            (200, "not json", [], nil, .transient(retryAfter: nil, message: "malformed response (HTTP 200)")),
            // 402/404 alone never disable (PROVIDERS.md: a bare 404 during an outage).
            (402, #"{"detail":"Payment required"}"#, [], nil, .neutral(message: "HTTP 402: Payment required")),
            (404, "", [], nil, .neutral(message: "HTTP 404")),
            (404, #"{"detail":"Not Found"}"#, [], nil, .neutral(message: "HTTP 404: Not Found")),
            (400, #"{"error":"bad_request"}"#, [], nil, .neutral(message: "bad_request (HTTP 400)")),
        ]
        for provider in Provider.allCases {
            for (status, body, headers, transportError, expected) in cases {
                XCTAssertEqual(
                    F.classify(.quota, provider, status, body, headers: headers, transportError: transportError), expected,
                    "\(provider) \(String(describing: status)) \(body)")
            }
        }
    }

    /// Seed 002: the usage endpoint's 403 is "quota unavailable" (no backoff), while the
    /// same 403 from the token endpoint arms the refresh backoff — told apart by source.
    func testClaudeUsage403IsQuotaUnavailableWhileRefresh403IsTransient() {
        let quota = F.classify(.quota, .claude, 403, F.claudeOrgPolicy)
        let refresh = F.classify(.refresh, .claude, 403, F.claudeOrgPolicy)
        let message = "permission_error: OAuth authentication is currently not allowed for this organization."
        XCTAssertEqual(quota, .quotaUnavailable(message: message))
        XCTAssertEqual(refresh, .transient(retryAfter: nil, message: message))
    }

    func testCodexDeactivatedOnUsage401() {
        let body = #"{"error":{"message":"Your OpenAI account has been deactivated, please check your email.","code":null}}"#
        guard case .permanent(.deactivated, nil, let message) = F.classify(.quota, .codex, 401, body) else {
            return XCTFail("a usage 401 saying deactivated must disable")
        }
        XCTAssertEqual(message, "HTTP 401: Your OpenAI account has been deactivated, please check your email.")
    }
}
