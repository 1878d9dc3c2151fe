import Foundation
import Hummingbird

/// ChatGPT backend (Codex) wire shapes: errors, wham/usage, Responses API SSE.
enum CodexShapes {
    static func error(_ status: Int, code: String, message: String, type: String? = "invalid_request_error",
                      headers: [(String, String)] = []) -> Response {
        let error: JSON = ["message": .string(message), "type": .optional(type), "code": .string(code), "param": .null]
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
        Reply.json(status, ["detail": .string(text)])
    }

    /// 429 `usage_limit_reached` with both reset spellings, plus the usage headers at 100%.
    static func usageLimitReached(_ account: SimAccount) -> Response {
        let seconds = account.settings.rateLimitResetSeconds
        let error: JSON = [
            "type": "usage_limit_reached", "message": "The usage limit has been reached",
            "plan_type": .string(account.identity.planType),
            "resets_at": .int(TimeText.unix(in: seconds)), "resets_in_seconds": .int(seconds),
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
            ("x-codex-primary-used-percent", JSON.number(settings.percent(0)).text),
            ("x-codex-primary-reset-after-seconds", String(settings.resetsIn(0))),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-secondary-used-percent", JSON.number(settings.percent(1)).text),
            ("x-codex-secondary-reset-after-seconds", String(settings.resetsIn(1))),
            ("x-codex-secondary-window-minutes", "10080"),
        ]
    }

    static func usage(_ account: SimAccount) -> JSON {
        let settings = account.settings
        func window(_ index: Int, length: Int) -> JSON {
            ["used_percent": .number(settings.percent(index)), "limit_window_seconds": .int(length),
             "reset_after_seconds": .int(settings.resetsIn(index)),
             "reset_at": .int(TimeText.unix(in: settings.resetsIn(index)))]
        }
        let limitReached = settings.percent(0) >= 100 || settings.percent(1) >= 100
        return [
            "plan_type": .string(account.identity.planType),
            "rate_limit": [
                "allowed": .bool(!limitReached), "limit_reached": .bool(limitReached),
                "primary_window": window(0, length: 18000), "secondary_window": window(1, length: 604_800),
            ],
        ]
    }

    /// `response.created`, one `response.output_text.delta` per word, `response.completed`; or,
    /// with `overloaded`, `response.created` then `response.failed` with `server_is_overloaded`.
    static func events(_ completion: Completion, model: String, overloaded: Bool) -> [String] {
        let itemID = JSON.string("msg_sim_\(UUID().uuidString.prefix(8))")
        var response: JSON = ["id": .string("resp_sim_\(UUID().uuidString.prefix(8))"), "object": "response",
                              "status": "in_progress", "model": .string(model)]
        var events = [Reply.event("response.created", ["type": "response.created", "response": response])]
        if overloaded {
            response["status"] = "failed"
            response["error"] = ["code": "server_is_overloaded",
                                 "message": "Our servers are currently overloaded. Please try again later."]
            events.append(Reply.event("response.failed", ["type": "response.failed", "response": response]))
            return events
        }
        for word in completion.words {
            events.append(Reply.event("response.output_text.delta", [
                "type": "response.output_text.delta", "item_id": itemID, "output_index": 0, "content_index": 0,
                "delta": .string(word),
            ]))
        }
        response["status"] = "completed"
        response["output"] = [[
            "type": "message", "id": itemID, "role": "assistant", "status": "completed",
            "content": [["type": "output_text", "text": .string(completion.text), "annotations": []]],
        ]]
        response["usage"] = ["input_tokens": .int(completion.inputTokens), "output_tokens": .int(completion.outputTokens),
                             "total_tokens": .int(completion.inputTokens + completion.outputTokens)]
        events.append(Reply.event("response.completed", ["type": "response.completed", "response": response]))
        return events
    }
}
