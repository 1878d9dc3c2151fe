/// The pure, provider-specific half of the calls the supervisor asks a worker to make:
/// building the upstream request and reading its 2xx answer. No I/O and no clock: `now`
/// (Unix seconds) is passed in. Error statuses are classified elsewhere (SPEC §6), before
/// any parse method is called.
///
/// Every request built here has the config's `headers` applied last (SPEC §3: extra or
/// overriding headers), so an operator can override any default header, e.g. `user-agent`.
///
/// To add a provider: one folder with a type conforming to this protocol, plus one line in
/// `ProviderAdapters.adapter(for:)`.
public protocol ProviderAdapter: Sendable {
    var provider: Provider { get }

    /// The refresh-token exchange at `config.tokenURL`. `clientID`/`clientSecret` are the
    /// OAuth client that issued the token: the account's recorded client (Antigravity) or
    /// the config's. Public clients (Claude, Codex) ignore `clientSecret`.
    func refreshRequest(refreshToken: String, clientID: String, clientSecret: String?, config: ProviderConfig)
        -> UpstreamRequest

    /// Reads a 2xx token response. Only a missing access token (or a body that is not a JSON
    /// object) fails: the exchange may already have consumed a single-use refresh token, so
    /// anything else unreadable (an odd id_token, a missing `expires_in`) is left nil rather
    /// than throwing away a rotated token.
    func parseTokenResponse(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> TokenGrant

    /// The quota read at `config.usageURL`. `chatgptAccountID` is used by Codex, `projectID`
    /// by Gemini; the others ignore them.
    func usageRequest(accessToken: String, chatgptAccountID: String?, projectID: String?, config: ProviderConfig)
        -> UpstreamRequest

    /// Reads a 2xx quota response into windows (SPEC §5 `quota.windows`), in the provider's
    /// order. Percentages are "used", 0…100 (more when over the limit).
    func parseUsage(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> [QuotaWindow]
}

/// The registry: one adapter per provider.
public enum ProviderAdapters {
    public static func adapter(for provider: Provider) -> any ProviderAdapter {
        switch provider {
        case .claude: ClaudeAdapter()
        case .codex: CodexAdapter()
        case .gemini: GeminiAdapter()
        }
    }
}
