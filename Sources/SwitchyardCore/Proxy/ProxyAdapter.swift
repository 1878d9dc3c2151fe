/// The pure, provider-specific half of the data path: the upstream request for a client's
/// request on one account, and how the 2xx answer's body must be treated on its way back.
/// The worker does the I/O; failures are classified by `FailureClassifier` (source `api`).
///
/// To add a provider: one type in its folder conforming to this, plus one line in
/// `ProxyAdapters.adapter(for:)`.
public protocol ProxyAdapter: Sendable {
    /// The upstream request for `call` made with `account`'s credentials. The config's
    /// `headers` are applied last (SPEC §3), so an operator can override any default.
    func upstreamRequest(_ call: ProxyCall, account: ProxyCredentials, config: ProviderConfig) -> UpstreamRequest

    /// How a 2xx answer's body reaches the client, given its `Content-Type`.
    func responseShape(_ call: ProxyCall, contentType: String?) -> ResponseShape
}

/// One client request as the data path has read it.
public struct ProxyCall: Sendable {
    public var endpoint: ClientEndpoint
    /// The raw query, without `?` (Gemini's `alt=sse`, a client key in `key=`).
    public var query: String?
    /// The client's headers in order (names as sent).
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var request: ClientRequest

    public init(endpoint: ClientEndpoint, query: String?, headers: [(String, String)], body: [UInt8], request: ClientRequest) {
        self.endpoint = endpoint
        self.query = query
        self.headers = headers
        self.body = body
        self.request = request
    }

    /// The first value of header `name` (give it lowercase), case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveEquals(name) }?.1
    }

    /// Whether the query asks for `alt=sse` (Gemini's event-stream form).
    public var wantsSSE: Bool {
        guard let query else { return false }
        return query.split(separator: "&").contains { $0 == "alt=sse" }
    }
}

/// What of the chosen account goes upstream: its token and the ids the provider wants.
public struct ProxyCredentials: Sendable {
    public var accessToken: String
    public var chatgptAccountID: String?
    public var projectID: String?

    public init(accessToken: String, chatgptAccountID: String? = nil, projectID: String? = nil) {
        self.accessToken = accessToken
        self.chatgptAccountID = chatgptAccountID
        self.projectID = projectID
    }
}

/// How a 2xx answer's body is handled on its way to the client.
public enum ResponseShape: Sendable, Equatable {
    /// Bytes go on as they arrive, headers included.
    case passThrough
    /// An event stream: its start is held by a `StreamGate` until content shows; with
    /// `unwrapGemini`, each event's `{"response":…}` is unwrapped first.
    case eventStream(unwrapGemini: Bool)
    /// A Gemini JSON answer: buffered, then `{"response":…}` unwrapped.
    case geminiJSON
    /// A Gemini event stream answered to the client as one JSON array (no `alt=sse`).
    case geminiArray
    /// A Codex event stream answered as its final response object (`"stream": false`).
    case codexCollected
}

public enum ProxyAdapters {
    public static func adapter(for provider: Provider) -> any ProxyAdapter {
        switch provider {
        case .claude: ClaudeProxy()
        case .codex: CodexProxy()
        case .gemini: GeminiProxy()
        }
    }

    static func isEventStream(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("text/event-stream") ?? false
    }
}
