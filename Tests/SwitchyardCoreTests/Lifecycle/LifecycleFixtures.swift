@testable import SwitchyardCore

/// Shared inputs for the lifecycle tests.
enum LifecycleFixtures {
    /// A deterministic generator so jitter tests are reproducible.
    typealias SeededGenerator = SplitMix64

    /// "Now" in every test: 2023-11-14T22:13:20Z.
    static let now: Int64 = 1_700_000_000

    /// Classifies a JSON (or any) text body.
    static func classify(
        _ source: FailureSource, _ provider: Provider, _ status: Int?, _ body: String = "",
        headers: [(String, String)] = [], transportError: String? = nil
    ) -> Decision {
        FailureClassifier.classify(
            source: source, provider: provider, status: status, headers: headers, body: Array(body.utf8),
            transportError: transportError, now: now)
    }

    /// A healthy account with every field the lifecycle touches set.
    static let account = Account(
        id: "claude-0123456789ab", provider: .claude, email: "owner@example.com",
        accessToken: "old-access", refreshToken: "old-refresh", idToken: "old-id", expiresAt: now + 600,
        accountUuid: "uuid-1", refreshStatus: .ok, lastRefreshedAt: now - 3600,
        lastRefreshAttemptAt: now - 3600)

    /// Google's invalid_grant answer (PROVIDERS.md).
    static let googleInvalidGrant =
        #"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#

    /// Claude's refresh (and usage) 403 for an organization policy (seed 002).
    static let claudeOrgPolicy =
        #"{"type":"error","error":{"type":"permission_error","message":"OAuth authentication is currently not allowed for this organization."}}"#

    /// Google's 429 for an exhausted model quota (PROVIDERS.md).
    static func googleQuotaExhausted(reason: String = "QUOTA_EXHAUSTED", resetDelay: String = "3h2m", retryDelay: String = "10.5s") -> String {
        """
        {"error":{"code":429,"message":"You have exhausted your capacity on this model.","status":"RESOURCE_EXHAUSTED",
        "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"\(reason)","domain":"cloudcode-pa.googleapis.com",
        "metadata":{"quotaResetDelay":"\(resetDelay)","model":"gemini-2.5-pro"}},
        {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"\(retryDelay)"}]}}
        """
    }
}
