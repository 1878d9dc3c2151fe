/// What the worker reads from a client's request body before choosing an account, in one
/// pass over its top level and without decoding it (the body goes upstream as it came, or
/// spliced into Gemini's envelope): the model, whether it asks for a stream, and its session
/// key (SPEC §8). A body that is not one JSON object, or lacks a field the provider requires
/// (`model` and `messages`; `model` and `input`; `contents`), is malformed → 400.
public struct ClientRequest: Sendable, Equatable {
    public var model: String?
    /// The body's `stream`, when it is a boolean.
    public var stream: Bool?
    /// Claude `metadata.user_id`, Codex `prompt_cache_key`, Gemini top-level `session_id`.
    public var bodySession: String?

    public init(model: String? = nil, stream: Bool? = nil, bodySession: String? = nil) {
        self.model = model
        self.stream = stream
        self.bodySession = bodySession
    }

    /// Reads `body` for `provider`; Gemini's model comes from the URL path, not the body.
    public static func inspect(_ body: [UInt8], provider: Provider) -> Result<ClientRequest, ClientError> {
        guard let members = JSONSpan.members(of: body) else {
            return .failure(.malformed(reason: "the body is not a JSON object"))
        }
        func value(_ name: StaticString) -> ArraySlice<UInt8>? {
            // Compared with the name's static bytes: no array built per lookup.
            let key = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            return members.first { $0.key.elementsEqual(key) }.map { body[$0.value] }
        }
        var request = ClientRequest()
        if let stream = value("stream") {
            request.stream = stream.elementsEqual("true".utf8) ? true : stream.elementsEqual("false".utf8) ? false : nil
        }
        let required: [StaticString]
        switch provider {
        case .claude:
            required = ["model", "messages"]
            if let metadata = value("metadata").map(Array.init),
               let userID = JSONSpan.valueRange(ofMember: "user_id", in: metadata)
            {
                request.bodySession = JSONSpan.string(metadata[userID])
            }
        case .codex:
            required = ["model", "input"]
            request.bodySession = value("prompt_cache_key").flatMap(JSONSpan.string)
        case .gemini:
            required = ["contents"]
            request.bodySession = value("session_id").flatMap(JSONSpan.string)
        }
        for name in required where value(name) == nil {
            return .failure(.malformed(reason: "missing field \(name)"))
        }
        if let model = value("model") {
            guard let name = JSONSpan.string(model), !name.isEmpty else {
                return .failure(.malformed(reason: "model must be a non-empty string"))
            }
            request.model = name
        }
        return .success(request)
    }

    /// The session key of a request: the `x-switchyard-session` header first, then the
    /// provider's own header (Claude `x-claude-code-session-id`, Codex `session_id`), then
    /// the body's. `header` looks a header up by lowercase name.
    public func sessionKey(provider: Provider, header: (String) -> String?) -> String? {
        if let key = header("x-switchyard-session"), !key.isEmpty { return key }
        let own: String? = switch provider {
        case .claude: header("x-claude-code-session-id")
        case .codex: header("session_id")
        case .gemini: nil
        }
        if let own, !own.isEmpty { return own }
        return bodySession.flatMap { $0.isEmpty ? nil : $0 }
    }
}
