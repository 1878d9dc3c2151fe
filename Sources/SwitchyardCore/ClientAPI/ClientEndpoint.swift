/// The client API a worker serves (SPEC §8): which endpoint a request is for, decided from
/// its method and path alone, before the body is read.
public enum ClientEndpoint: Sendable, Equatable {
    /// `GET /healthz` (every worker).
    case health
    /// `GET /v1/models` (Claude, Codex) or `GET /v1beta/models` (Gemini), answered locally.
    case models
    /// Claude `POST /v1/messages`.
    case claudeMessages
    /// Claude `POST /v1/messages/count_tokens`.
    case claudeCountTokens
    /// Codex `POST /v1/responses` and `POST /backend-api/codex/responses` (one upstream).
    case codexResponses
    /// Gemini `POST /v1beta/models/{model}:{method}`.
    case gemini(model: String, method: GeminiMethod)

    public enum GeminiMethod: String, Sendable, CaseIterable {
        case generateContent, streamGenerateContent, countTokens
    }

    /// The endpoint for `method` and `path` (no query) on `provider`'s worker, or nil (404).
    public static func route(provider: Provider, method: String, path: String) -> ClientEndpoint? {
        let isGet = method == "GET" || method == "HEAD"
        if path == "/healthz" { return isGet ? .health : nil }
        switch provider {
        case .claude:
            if isGet { return path == "/v1/models" ? .models : nil }
            guard method == "POST" else { return nil }
            switch path {
            case "/v1/messages": return .claudeMessages
            case "/v1/messages/count_tokens": return .claudeCountTokens
            default: return nil
            }
        case .codex:
            if isGet { return path == "/v1/models" ? .models : nil }
            guard method == "POST" else { return nil }
            return path == "/v1/responses" || path == "/backend-api/codex/responses" ? .codexResponses : nil
        case .gemini:
            if isGet { return path == "/v1beta/models" ? .models : nil }
            guard method == "POST" else { return nil }
            return geminiCall(path)
        }
    }

    /// `/v1beta/models/gemini-2.5-pro:generateContent` → (gemini-2.5-pro, generateContent).
    private static func geminiCall(_ path: String) -> ClientEndpoint? {
        let prefix = "/v1beta/models/"
        guard path.hasPrefix(prefix) else { return nil }
        let rest = path.dropFirst(prefix.count)
        guard let colon = rest.lastIndex(of: ":"),
              let method = GeminiMethod(rawValue: String(rest[rest.index(after: colon)...]))
        else { return nil }
        let model = String(rest[..<colon])
        guard !model.isEmpty, !model.contains("/") else { return nil }
        return .gemini(model: model, method: method)
    }

    /// Whether the request carries a body the worker must read and check (SPEC §8 "malformed").
    public var takesBody: Bool {
        switch self {
        case .health, .models: false
        default: true
        }
    }

    /// The model named by the URL (Gemini), which wins over any in the body.
    public var pathModel: String? {
        if case .gemini(let model, _) = self { return model }
        return nil
    }
}
