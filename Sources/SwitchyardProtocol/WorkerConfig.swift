/// Everything a worker needs from the configuration (SPEC §3), resolved for its provider.
///
/// Sent right after `hello` and again after every reload. Durations are integer milliseconds and
/// sizes bytes, so the worker never parses the YAML's units. Enumerations travel as their YAML
/// spelling (`selection: round-robin`, `log_format: json`) so this module stays free of the
/// domain types; the worker maps them.
public struct WorkerConfig: Codable, Sendable, Equatable {
    public var provider: String
    /// `round-robin`, `fill-first` or `least-used`.
    public var selection: String
    /// 0 = session affinity off.
    public var sessionAffinityMs: Int64
    public var maxAttempts: Int
    public var tokenURL: String
    public var apiBase: String
    public var usageURL: String
    /// The provider's default OAuth client; a `RefreshRequest` may name another.
    public var clientID: String
    public var clientSecret: String?
    /// Extra or overriding headers sent upstream.
    public var headers: [String: String]
    /// Served by the models endpoint; empty = the worker's built-in list.
    public var models: [String]
    /// Keys clients must present; empty = none needed.
    public var clientKeys: [String]
    public var maxBodyBytes: Int
    public var headerTimeoutMs: Int64
    public var clientIdleTimeoutMs: Int64
    public var upstreamConnectTimeoutMs: Int64
    public var upstreamIdleTimeoutMs: Int64
    public var drainTimeoutMs: Int64
    /// swift-log level name (`trace` … `critical`).
    public var logLevel: String
    /// `text` or `json`.
    public var logFormat: String

    public init(
        provider: String,
        selection: String,
        sessionAffinityMs: Int64,
        maxAttempts: Int,
        tokenURL: String,
        apiBase: String,
        usageURL: String,
        clientID: String,
        clientSecret: String? = nil,
        headers: [String: String],
        models: [String],
        clientKeys: [String],
        maxBodyBytes: Int,
        headerTimeoutMs: Int64,
        clientIdleTimeoutMs: Int64,
        upstreamConnectTimeoutMs: Int64,
        upstreamIdleTimeoutMs: Int64,
        drainTimeoutMs: Int64,
        logLevel: String,
        logFormat: String
    ) {
        self.provider = provider
        self.selection = selection
        self.sessionAffinityMs = sessionAffinityMs
        self.maxAttempts = maxAttempts
        self.tokenURL = tokenURL
        self.apiBase = apiBase
        self.usageURL = usageURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.headers = headers
        self.models = models
        self.clientKeys = clientKeys
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeoutMs = headerTimeoutMs
        self.clientIdleTimeoutMs = clientIdleTimeoutMs
        self.upstreamConnectTimeoutMs = upstreamConnectTimeoutMs
        self.upstreamIdleTimeoutMs = upstreamIdleTimeoutMs
        self.drainTimeoutMs = drainTimeoutMs
        self.logLevel = logLevel
        self.logFormat = logFormat
    }

    enum CodingKeys: String, CodingKey {
        case provider, selection
        case sessionAffinityMs = "session_affinity_ms"
        case maxAttempts = "max_attempts"
        case tokenURL = "token_url"
        case apiBase = "api_base"
        case usageURL = "usage_url"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case headers, models
        case clientKeys = "client_keys"
        case maxBodyBytes = "max_body_bytes"
        case headerTimeoutMs = "header_timeout_ms"
        case clientIdleTimeoutMs = "client_idle_timeout_ms"
        case upstreamConnectTimeoutMs = "upstream_connect_timeout_ms"
        case upstreamIdleTimeoutMs = "upstream_idle_timeout_ms"
        case drainTimeoutMs = "drain_timeout_ms"
        case logLevel = "log_level"
        case logFormat = "log_format"
    }
}

extension WorkerConfig: CustomStringConvertible {
    /// Safe to log: no client secret, no client keys, no header values (they may carry credentials).
    public var description: String {
        "WorkerConfig(provider: \(provider), selection: \(selection), maxAttempts: \(maxAttempts), "
            + "apiBase: \(apiBase), clientKeys: \(clientKeys.count), headers: \(headers.keys.sorted()))"
    }
}
