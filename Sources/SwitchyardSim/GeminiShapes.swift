import Foundation
import Hummingbird

/// Google Code Assist wire shapes: `google.rpc.Status` errors, quota buckets, wrapped responses.
enum GeminiShapes {
    static func error(_ status: Int, _ rpcStatus: String, _ message: String, details: [JSON] = [],
                      headers: [(String, String)] = []) -> Response {
        var error: JSON = ["code": .int(status), "message": .string(message), "status": .string(rpcStatus)]
        if !details.isEmpty { error["details"] = .array(details) }
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

    static func errorInfo(_ reason: String, metadata: JSON) -> JSON {
        ["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": .string(reason),
         "domain": "cloudcode-pa.googleapis.com", "metadata": metadata]
    }

    static func retryInfo(_ seconds: Double) -> JSON {
        ["@type": "type.googleapis.com/google.rpc.RetryInfo",
         "retryDelay": .string(TimeText.protoDuration(seconds: seconds))]
    }

    /// 429 QUOTA_EXHAUSTED for `model`: the quota resets after `quotaResetDelay`; RetryInfo is
    /// the short back-off (the longer of the two wins, SPEC §6.4).
    static func quotaExhausted(_ account: SimAccount, model: String) -> Response {
        let seconds = account.settings.rateLimitResetSeconds
        let delay = TimeText.goDuration(seconds: Double(seconds))
        let metadata: JSON = [
            "quotaResetDelay": .string(delay), "model": .string(model),
            "quotaResetTimeStamp": .string(TimeText.iso8601(Date().addingTimeInterval(TimeInterval(seconds)))),
        ]
        return error(429, "RESOURCE_EXHAUSTED",
                     "You have exhausted your capacity on this model. Your quota will reset after \(delay).",
                     details: [errorInfo("QUOTA_EXHAUSTED", metadata: metadata),
                               retryInfo(account.settings.retryDelaySeconds)])
    }

    static func rateLimitExceeded(_ account: SimAccount, model: String) -> Response {
        error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
              details: [errorInfo("RATE_LIMIT_EXCEEDED", metadata: ["model": .string(model)]),
                        retryInfo(account.settings.retryDelaySeconds)])
    }

    static func validationRequired() -> Response {
        error(403, "PERMISSION_DENIED", "Verify your account to continue.",
              details: [errorInfo("VALIDATION_REQUIRED",
                                  metadata: ["validation_url": "https://accounts.google.com/signin/continue"])])
    }

    /// One bucket per configured model, `remainingFraction` = 1 − percent used.
    static func quota(_ account: SimAccount) -> JSON {
        let settings = account.settings
        let buckets: [JSON] = settings.models.enumerated().map { index, model in
            let resetTime = Date().addingTimeInterval(TimeInterval(settings.resetsIn(index)))
            return ["modelId": .string(model), "remainingFraction": .number(max(0, 100 - settings.percent(index)) / 100),
                    "resetTime": .string(TimeText.iso8601(resetTime)), "tokenType": "REQUESTS"]
        }
        return ["buckets": .array(buckets)]
    }

    static func loadCodeAssist(_ account: SimAccount) -> JSON {
        let tier: JSON = ["id": "standard-tier", "name": "Gemini Code Assist", "isDefault": true]
        return ["currentTier": tier, "allowedTiers": [tier],
                "cloudaicompanionProject": .string(account.identity.project ?? "sim-project-\(account.id)")]
    }

    /// A Gemini API response; `text` nil with `final` gives the closing chunk of a stream.
    static func response(_ completion: Completion, text: String, model: String, final: Bool) -> JSON {
        var candidate: JSON = ["content": ["role": "model", "parts": [["text": .string(text)]]], "index": 0]
        guard final else { return ["candidates": [candidate], "modelVersion": .string(model)] }
        candidate["finishReason"] = "STOP"
        return [
            "candidates": [candidate], "modelVersion": .string(model),
            "usageMetadata": [
                "promptTokenCount": .int(completion.inputTokens), "candidatesTokenCount": .int(completion.outputTokens),
                "totalTokenCount": .int(completion.inputTokens + completion.outputTokens),
            ],
        ]
    }

    /// Code Assist wraps every Gemini response as `{"response": …}`.
    static func wrapped(_ response: JSON) -> JSON {
        ["response": response, "traceId": .string("sim-\(UUID().uuidString.prefix(8))")]
    }

    /// One wrapped chunk per word, the last one carrying finishReason and usage.
    static func chunks(_ completion: Completion, model: String) -> [JSON] {
        completion.words.enumerated().map { index, word in
            wrapped(response(completion, text: word, model: model, final: index == completion.words.count - 1))
        }
    }
}
