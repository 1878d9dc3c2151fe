/// One account as a worker needs it to route requests: credentials and routing state, nothing
/// that identifies the account's owner to a client (never an e-mail, never a refresh token —
/// refreshes are asked for explicitly with `RefreshRequest`).
///
/// Sent in `pool_upsert` batches; a worker receives only its own provider's accounts, and only
/// enabled ones (a disabled account leaves the pool with `pool_remove`).
public struct PoolAccount: Codable, Sendable, Equatable {
    /// The store id (`<provider>-<12 hex>`), the key for upserts, removals and outcomes.
    public var id: String
    public var accessToken: String
    /// Unix seconds; the worker skips the account from then on until an upsert brings a new token.
    public var expiresAt: Int64?
    /// Unix seconds; account-wide rate-limit cooldown.
    public var cooldownUntil: Int64?
    /// Codex: sent upstream as `chatgpt-account-id`.
    public var chatgptAccountID: String?
    /// Gemini: the Code Assist project; absent until discovered (the worker reports it in an `outcome`).
    public var projectID: String?
    /// Per-account upstream proxy (`http://`, `https://`, `socks5://`, `socks5h://`); may hold user:password.
    public var proxyURL: String?
    /// Model name → Unix seconds: Gemini per-model exhaustion; requests for that model skip the account until then.
    public var modelCooldowns: [String: Int64]?
    /// The highest `used_percent` of the account's quota windows (all models), for
    /// `least-used`'s tie-break between accounts with as many requests in flight.
    public var quotaUsedPercent: Double?
    /// The account's state as the supervisor sees it (`active`, `cooling`, `expired`, `failing`),
    /// informational: the worker decides usability from the timestamps above.
    public var state: String?

    public init(
        id: String,
        accessToken: String,
        expiresAt: Int64? = nil,
        cooldownUntil: Int64? = nil,
        chatgptAccountID: String? = nil,
        projectID: String? = nil,
        proxyURL: String? = nil,
        modelCooldowns: [String: Int64]? = nil,
        quotaUsedPercent: Double? = nil,
        state: String? = nil
    ) {
        self.id = id
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.cooldownUntil = cooldownUntil
        self.chatgptAccountID = chatgptAccountID
        self.projectID = projectID
        self.proxyURL = proxyURL
        self.modelCooldowns = modelCooldowns
        self.quotaUsedPercent = quotaUsedPercent
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case id
        case accessToken = "access_token"
        case expiresAt = "expires_at"
        case cooldownUntil = "cooldown_until"
        case chatgptAccountID = "chatgpt_account_id"
        case projectID = "project_id"
        case proxyURL = "proxy_url"
        case modelCooldowns = "model_cooldowns"
        case quotaUsedPercent = "quota_used_percent"
        case state
    }
}

extension PoolAccount: CustomStringConvertible {
    /// Safe to log: no token, no proxy URL (it may carry credentials).
    public var description: String {
        var parts = ["id: \(id)"]
        if let expiresAt { parts.append("expiresAt: \(expiresAt)") }
        if let cooldownUntil { parts.append("cooldownUntil: \(cooldownUntil)") }
        if let state { parts.append("state: \(state)") }
        return "PoolAccount(\(parts.joined(separator: ", ")))"
    }
}
