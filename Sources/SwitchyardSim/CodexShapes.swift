import Foundation
import Hummingbird

/// ChatGPT backend (Codex) wire shapes: errors, wham/usage, Responses API SSE.
enum CodexShapes {
    static func error(_ status: Int, code: String, message: String, type: String? = "invalid_request_error",
                      headers: [(String, String)] = []) -> Response {
        let error: [String: Any] = ["message": message, "type": type ?? NSNull(), "code": code, "param": NSNull()]
        return Reply.json(status, ["error": error], headers: headers)
    }

    /// What the backend answers for an access token it does not accept.
    static func unauthorized() -> Response {
        error(401, code: "token_expired",
              message: "Provided authentication token is expired. Please try signing in again.", type: nil)
    }

    static func deactivated() -> Response {
        error(401, code: "account_deactivated",
              message: "Your OpenAI account has been deactivated, please check your email for more information. "
                  + "If you feel this is an error, contact us through our help center at help.openai.com.")
    }

    static func detail(_ status: Int, _ text: String) -> Response {
        Reply.json(status, ["detail": text])
    }

    /// 429 `usage_limit_reached` with both reset spellings, plus the usage headers at 100%.
    static func usageLimitReached(_ account: SimAccount) -> Response {
        let seconds = account.settings.rateLimitResetSeconds
        let error: [String: Any] = [
            "type": "usage_limit_reached", "message": "The usage limit has been reached",
            "plan_type": account.identity.planType,
            "resets_at": TimeText.unix(in: seconds), "resets_in_seconds": seconds,
        ]
        return Reply.json(429, ["error": error], headers: [
            ("x-codex-primary-used-percent", "100"),
            ("x-codex-primary-reset-after-seconds", String(seconds)),
            ("x-codex-primary-window-minutes", "300"),
        ])
    }

    /// The `x-codex-*` headers a successful response carries.
    static func usageHeaders(_ account: SimAccount) -> [(String, String)] {
        let settings = account.settings
        return Completion.headers(account) + [
            ("x-codex-primary-used-percent", String(describing: jsonNumber(settings.percent(0)))),
            ("x-codex-primary-reset-after-seconds", String(settings.resetsIn(0))),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-secondary-used-percent", String(describing: jsonNumber(settings.percent(1)))),
            ("x-codex-secondary-reset-after-seconds", String(settings.resetsIn(1))),
            ("x-codex-secondary-window-minutes", "10080"),
        ]
    }

    static func usage(_ account: SimAccount) -> [String: Any] {
        let settings = account.settings
        func window(_ index: Int, length: Int) -> [String: Any] {
            ["used_percent": jsonNumber(settings.percent(index)), "limit_window_seconds": length,
             "reset_after_seconds": settings.resetsIn(index), "reset_at": TimeText.unix(in: settings.resetsIn(index))]
        }
        let limitReached = settings.percent(0) >= 100 || settings.percent(1) >= 100
        let rateLimit: [String: Any] = [
            "allowed": !limitReached, "limit_reached": limitReached,
            "primary_window": window(0, length: 18000), "secondary_window": window(1, length: 604_800),
        ]
        return ["plan_type": account.identity.planType, "rate_limit": rateLimit]
    }

    /// `response.created`, one `response.output_text.delta` per word, `response.completed`; or,
    /// with `overloaded`, `response.created` then `response.failed` with `server_is_overloaded`.
    static func events(_ completion: Completion, model: String, overloaded: Bool) -> [String] {
        let responseID = "resp_sim_\(UUID().uuidString.prefix(8))"
        let itemID = "msg_sim_\(UUID().uuidString.prefix(8))"
        var response: [String: Any] = ["id": responseID, "object": "response", "status": "in_progress", "model": model]
        var events = [Reply.event("response.created", ["type": "response.created", "response": response])]
        if overloaded {
            response["status"] = "failed"
            response["error"] = ["code": "server_is_overloaded",
                                 "message": "Our servers are currently overloaded. Please try again later."]
            events.append(Reply.event("response.failed", ["type": "response.failed", "response": response]))
            return events
        }
        for word in completion.words {
            let delta: [String: Any] = ["type": "response.output_text.delta", "item_id": itemID,
                                        "output_index": 0, "content_index": 0, "delta": word]
            events.append(Reply.event("response.output_text.delta", delta))
        }
        let content: [String: Any] = ["type": "output_text", "text": completion.text, "annotations": [Any]()]
        response["status"] = "completed"
        response["output"] = [["type": "message", "id": itemID, "role": "assistant", "status": "completed",
                               "content": [content]] as [String: Any]]
        response["usage"] = ["input_tokens": completion.inputTokens, "output_tokens": completion.outputTokens,
                             "total_tokens": completion.inputTokens + completion.outputTokens]
        events.append(Reply.event("response.completed", ["type": "response.completed", "response": response]))
        return events
    }
}
