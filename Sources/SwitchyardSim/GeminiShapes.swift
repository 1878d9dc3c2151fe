import Foundation
import Hummingbird

/// Google Code Assist wire shapes: `google.rpc.Status` errors, quota buckets, wrapped responses.
enum GeminiShapes {
    static func error(_ status: Int, _ rpcStatus: String, _ message: String, details: [[String: Any]] = [],
                      headers: [(String, String)] = []) -> Response {
        var error: [String: Any] = ["code": status, "message": message, "status": rpcStatus]
        if !details.isEmpty { error["details"] = details }
        return Reply.json(status, ["error": error], headers: headers)
    }

    static func unauthorized() -> Response {
        error(401, "UNAUTHENTICATED",
              "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
                  + "valid authentication credential.")
    }

    static func deactivated() -> Response {
        error(403, "PERMISSION_DENIED", "This account has been suspended.")
    }

    static func errorInfo(_ reason: String, metadata: [String: String]) -> [String: Any] {
        ["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
         "domain": "cloudcode-pa.googleapis.com", "metadata": metadata]
    }

    static func retryInfo(_ seconds: Double) -> [String: Any] {
        ["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": TimeText.protoDuration(seconds: seconds)]
    }

    /// 429 QUOTA_EXHAUSTED for `model`: the quota resets after `quotaResetDelay`; RetryInfo is
    /// the short back-off (the longer of the two wins, SPEC §6.4).
    static func quotaExhausted(_ account: SimAccount, model: String) -> Response {
        let seconds = account.settings.rateLimitResetSeconds
        let delay = TimeText.goDuration(seconds: Double(seconds))
        let metadata = [
            "quotaResetDelay": delay, "model": model,
            "quotaResetTimeStamp": TimeText.iso8601(Date().addingTimeInterval(TimeInterval(seconds))),
        ]
        return error(429, "RESOURCE_EXHAUSTED",
                     "You have exhausted your capacity on this model. Your quota will reset after \(delay).",
                     details: [errorInfo("QUOTA_EXHAUSTED", metadata: metadata),
                               retryInfo(account.settings.retryDelaySeconds)])
    }

    static func rateLimitExceeded(_ account: SimAccount, model: String) -> Response {
        error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
              details: [errorInfo("RATE_LIMIT_EXCEEDED", metadata: ["model": model]),
                        retryInfo(account.settings.retryDelaySeconds)])
    }

    static func validationRequired() -> Response {
        error(403, "PERMISSION_DENIED", "Verify your account to continue.",
              details: [errorInfo("VALIDATION_REQUIRED",
                                  metadata: ["validation_url": "https://accounts.google.com/signin/continue"])])
    }

    /// One bucket per configured model, `remainingFraction` = 1 − percent used.
    static func quota(_ account: SimAccount) -> [String: Any] {
        let settings = account.settings
        let buckets: [[String: Any]] = settings.models.enumerated().map { index, model in
            ["modelId": model, "remainingFraction": jsonNumber(max(0, 100 - settings.percent(index)) / 100),
             "resetTime": TimeText.iso8601(Date().addingTimeInterval(TimeInterval(settings.resetsIn(index)))),
             "tokenType": "REQUESTS"]
        }
        return ["buckets": buckets]
    }

    static func loadCodeAssist(_ account: SimAccount) -> [String: Any] {
        let tier: [String: Any] = ["id": "standard-tier", "name": "Gemini Code Assist", "isDefault": true]
        return ["currentTier": tier, "allowedTiers": [tier],
                "cloudaicompanionProject": account.identity.project ?? "sim-project-\(account.id)"]
    }

    /// A Gemini API response; `text` nil with `final` gives the closing chunk of a stream.
    static func response(_ completion: Completion, text: String, model: String, final: Bool) -> [String: Any] {
        var candidate: [String: Any] = ["content": ["role": "model", "parts": [["text": text]]], "index": 0]
        var response: [String: Any] = ["candidates": [candidate], "modelVersion": model]
        if final {
            candidate["finishReason"] = "STOP"
            response["candidates"] = [candidate]
            response["usageMetadata"] = [
                "promptTokenCount": completion.inputTokens, "candidatesTokenCount": completion.outputTokens,
                "totalTokenCount": completion.inputTokens + completion.outputTokens,
            ]
        }
        return response
    }

    /// Code Assist wraps every Gemini response as `{"response": …}`.
    static func wrapped(_ response: [String: Any]) -> [String: Any] {
        ["response": response, "traceId": "sim-\(UUID().uuidString.prefix(8))"]
    }

    /// One wrapped chunk per word, the last one carrying finishReason and usage.
    static func chunks(_ completion: Completion, model: String) -> [[String: Any]] {
        completion.words.enumerated().map { index, word in
            wrapped(response(completion, text: word, model: model, final: index == completion.words.count - 1))
        }
    }
}
