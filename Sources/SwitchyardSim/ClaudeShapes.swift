import Foundation
import Hummingbird

/// Anthropic wire shapes: errors, the OAuth usage body, messages as JSON and as SSE.
enum ClaudeShapes {
    static func error(_ status: Int, _ type: String, _ message: String, headers: [(String, String)] = []) -> Response {
        Reply.json(status, ["type": "error", "error": ["type": .string(type), "message": .string(message)]],
                   headers: headers)
    }

    static func unauthorized() -> Response {
        error(401, "authentication_error", "Invalid bearer token")
    }

    static func deactivated() -> Response {
        error(403, "permission_error", "This organization has been disabled.")
    }

    /// A 429 carrying the unified rate-limit headers; such a 429 cools the whole account.
    static func rateLimited(_ account: SimAccount) -> Response {
        let seconds = account.settings.rateLimitResetSeconds
        let reset = String(TimeText.unix(in: seconds))
        return error(429, "rate_limit_error", "This request would exceed your account's rate limit. Please try again later.",
                     headers: [
                         ("anthropic-ratelimit-unified-status", "rejected"),
                         ("anthropic-ratelimit-unified-5h-status", "rejected"),
                         ("anthropic-ratelimit-unified-5h-reset", reset),
                         ("anthropic-ratelimit-unified-7d-status", "allowed"),
                         ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
                         ("anthropic-ratelimit-unified-reset", reset),
                         ("retry-after", String(seconds)),
                     ])
    }

    /// Headers on successful API answers: the unified limits as currently used.
    static func allowedHeaders(_ account: SimAccount) -> [(String, String)] {
        Completion.headers(account) + [
            ("anthropic-ratelimit-unified-status", "allowed"),
            ("anthropic-ratelimit-unified-5h-utilization", String(account.settings.percent(0) / 100)),
            ("anthropic-ratelimit-unified-7d-utilization", String(account.settings.percent(1) / 100)),
            ("anthropic-ratelimit-unified-reset", String(TimeText.unix(in: account.settings.resetsIn(0)))),
        ]
    }

    static func usage(_ account: SimAccount) -> JSON {
        func window(_ index: Int) -> JSON {
            let resetsAt = Date().addingTimeInterval(TimeInterval(account.settings.resetsIn(index)))
            return ["utilization": .number(account.settings.percent(index)),
                    "resets_at": .string(TimeText.iso8601(resetsAt))]
        }
        return ["five_hour": window(0), "seven_day": window(1), "seven_day_opus": .null]
    }

    static func message(_ completion: Completion, model: String) -> JSON {
        [
            "id": .string("msg_sim_\(UUID().uuidString.prefix(8))"), "type": "message", "role": "assistant",
            "model": .string(model), "content": [["type": "text", "text": .string(completion.text)]],
            "stop_reason": "end_turn", "stop_sequence": .null,
            "usage": ["input_tokens": .int(completion.inputTokens), "output_tokens": .int(completion.outputTokens)],
        ]
    }

    /// The event sequence of a streamed message; with `overloaded` it stops after the first
    /// delta with an in-stream `overloaded_error` (HTTP status already 200).
    static func events(_ completion: Completion, model: String, overloaded: Bool = false) -> [String] {
        var message = self.message(completion, model: model)
        message["content"] = []
        message["stop_reason"] = .null
        message["usage"] = ["input_tokens": .int(completion.inputTokens), "output_tokens": 1]
        var events = [
            Reply.event("message_start", ["type": "message_start", "message": message]),
            Reply.event("content_block_start", ["type": "content_block_start", "index": 0,
                                                "content_block": ["type": "text", "text": ""]]),
            Reply.event("ping", ["type": "ping"]),
        ]
        for word in overloaded ? Array(completion.words.prefix(1)) : completion.words {
            events.append(Reply.event("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                              "delta": ["type": "text_delta", "text": .string(word)]]))
        }
        if overloaded {
            events.append(Reply.event("error", ["type": "error",
                                                "error": ["type": "overloaded_error", "message": "Overloaded"]]))
            return events
        }
        events += [
            Reply.event("content_block_stop", ["type": "content_block_stop", "index": 0]),
            Reply.event("message_delta", ["type": "message_delta",
                                          "delta": ["stop_reason": "end_turn", "stop_sequence": .null],
                                          "usage": ["output_tokens": .int(completion.outputTokens)]]),
            Reply.event("message_stop", ["type": "message_stop"]),
        ]
        return events
    }
}
