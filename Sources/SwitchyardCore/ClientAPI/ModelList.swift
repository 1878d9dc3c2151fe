import Foundation

/// The models endpoint's answer (SPEC §8), in each provider's list shape, from the config's
/// `models` or, when that is empty, a built-in list. Answered by the worker itself: listing
/// models needs no account.
public enum ModelList {
    public static func builtIn(for provider: Provider) -> [String] {
        switch provider {
        case .claude: ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"]
        case .codex: ["gpt-5.1-codex", "gpt-5.1-codex-mini", "gpt-5-codex", "gpt-5"]
        case .gemini: ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"]
        }
    }

    /// The JSON body listing `configured` (or the built-in list) for `provider`'s clients.
    public static func body(for provider: Provider, configured: [String]) -> Data {
        let names = configured.isEmpty ? builtIn(for: provider) : configured
        let value: JSONValue
        switch provider {
        case .claude:
            value = .object([
                "data": .array(names.map { .object([
                    "type": "model", "id": .string($0), "display_name": .string($0),
                    "created_at": "1970-01-01T00:00:00Z",
                ]) }),
                "has_more": false,
                "first_id": names.first.map(JSONValue.string) ?? .null,
                "last_id": names.last.map(JSONValue.string) ?? .null,
            ])
        case .codex:
            value = .object([
                "object": "list",
                "data": .array(names.map { .object([
                    "id": .string($0), "object": "model", "created": 0, "owned_by": "openai",
                ]) }),
            ])
        case .gemini:
            value = .object([
                "models": .array(names.map { .object([
                    "name": .string("models/" + $0), "displayName": .string($0),
                    "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"],
                ]) }),
            ])
        }
        return value.serialized()
    }
}
