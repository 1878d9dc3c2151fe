@testable import SwitchyardCore
import XCTest

/// A worker classifies an upstream answer and reports the deciding code and message; the
/// supervisor must come to the very same decision from that report (SPEC §4, §6.4).
final class ReportedDecisionTests: XCTestCase {
    private typealias F = LifecycleFixtures
    private let now = LifecycleFixtures.now

    func testTheSupervisorDecidesWhatTheWorkerDecided() {
        let cases: [(Provider, Int, String, [(String, String)])] = [
            (.claude, 401, "", []),
            (.claude, 429, #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}"#,
             [("anthropic-ratelimit-unified-reset", "\(now + 900)")]),
            // Overloaded, whatever the status: retry elsewhere, never a cooldown.
            (.claude, 429, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, []),
            (.claude, 529, #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, []),
            (.codex, 429, #"{"error":{"type":"server_is_overloaded","message":"Our servers are currently overloaded."}}"#, []),
            (.codex, 200, #"{"type":"response.failed","response":{"error":{"code":"server_is_overloaded","message":"try later"}}}"#, []),
            (.codex, 500, "upstream connect error", []),
            (.codex, 429, #"{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","resets_in_seconds":1234}}"#, []),
            (.codex, 403, #"{"error":{"code":"account_deactivated","message":"This account has been deactivated"}}"#, []),
            (.claude, 400, #"{"type":"error","error":{"type":"invalid_request_error","message":"Your organization has been disabled."}}"#, []),
            // The phrase in a later message field than the one a report carries.
            (.codex, 403, #"{"error":{"type":"permission_error","message":"Forbidden"},"error_description":"Your account has been deactivated"}"#, []),
            (.gemini, 403, #"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"Verify your account to continue.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"VALIDATION_REQUIRED"}]}}"#, []),
            (.gemini, 429, F.googleQuotaExhausted(), []),
            (.gemini, 429, #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow down"}}"#, [("retry-after", "20")]),
        ]
        for (provider, status, body, headers) in cases {
            let (decision, code) = FailureClassifier.classifyNamingCode(
                source: .api, provider: provider, status: status, headers: headers,
                fields: ErrorFields.extract(body: Array(body.utf8)), now: now)
            var resetsAt: Int64?
            var model: String?
            if case .cooldown(let until, _, let scoped) = decision { (resetsAt, model) = (until, scoped) }
            let reported = ReportedDecision.decide(
                provider: provider, status: status, code: code, message: decision.message, resetsAt: resetsAt, model: model, now: now)
            // A disable's code may differ (a phrase-found deactivation is reported under
            // `account_deactivated`); its kind and text may not.
            if case .permanent(let kind, _, let text) = decision, case .permanent(let reportedKind, _, let reportedText) = reported {
                XCTAssertEqual(reportedKind, kind, "\(provider) \(status) \(body)")
                XCTAssertEqual(reportedText, text, "\(provider) \(status) \(body)")
            } else {
                XCTAssertEqual(reported, decision, "\(provider) \(status) \(body)")
            }
        }
    }

    func testTheMessageIsKeptAsReported() {
        let reported = ReportedDecision.decide(
            provider: .gemini, status: 403, code: "validation_required",
            message: "validation_required: Verify your account to continue.", resetsAt: nil, model: nil, now: now)
        XCTAssertEqual(reported, .permanent(.verificationRequired, code: "validation_required",
                                           message: "validation_required: Verify your account to continue."))
    }
}
