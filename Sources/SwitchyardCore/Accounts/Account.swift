/// One pooled subscription account: every field of an account file (SPEC §5).
///
/// Value semantics; all timestamps are Unix seconds. The JSON names are snake_case
/// (`AccountField`); `AccountFileCodec` reads and writes the file form. Fields Switchyard
/// does not know are carried in `unknownFields` so that every rewrite keeps them.
///
/// `id` never changes once the account exists (see `AccountID`); an empty `id` means "not
/// assigned yet" and is only meaningful as input to `AccountImport.merge`.
public struct Account: Sendable, Equatable {
    // Identity
    public var id: String
    public var provider: Provider
    public var email: String?
    /// Free text set by the operator.
    public var label: String?

    // Token material
    public var accessToken: String?
    public var refreshToken: String?
    public var idToken: String?
    public var expiresAt: Int64?

    // Provider extras
    public var chatgptAccountId: String?
    public var chatgptUserId: String?
    public var accountUuid: String?
    public var projectId: String?
    /// The OAuth client that issued the tokens, when not the provider default (Antigravity).
    public var oauthClientId: String?
    public var oauthClientSecret: String?
    /// Optional per-account upstream proxy (`http://`, `https://`, `socks5://`, `socks5h://`).
    public var proxyURL: String?

    // Disabling (operator or supervisor)
    public var disabled: Bool
    public var disabledAt: Int64?
    public var disabledReason: String?
    public var disabledKind: DisabledKind?

    // Refresh bookkeeping
    public var refreshStatus: RefreshStatus?
    /// Human text of the last refresh failure, with the upstream code.
    public var refreshMessage: String?
    /// Last *successful* refresh only.
    public var lastRefreshedAt: Int64?
    public var lastRefreshAttemptAt: Int64?
    public var refreshFailures: Int?
    public var nextRefreshAt: Int64?

    // Rate limiting
    public var cooldownUntil: Int64?
    public var cooldownReason: String?
    public var quota: Quota?

    /// Every member of the file Switchyard does not know (never `schema`, never a known
    /// field), written back unchanged.
    public var unknownFields: [String: JSONValue]

    public init(
        id: String = "", provider: Provider, email: String? = nil, label: String? = nil,
        accessToken: String? = nil, refreshToken: String? = nil, idToken: String? = nil,
        expiresAt: Int64? = nil, chatgptAccountId: String? = nil, chatgptUserId: String? = nil,
        accountUuid: String? = nil, projectId: String? = nil, oauthClientId: String? = nil,
        oauthClientSecret: String? = nil, proxyURL: String? = nil, disabled: Bool = false,
        disabledAt: Int64? = nil, disabledReason: String? = nil, disabledKind: DisabledKind? = nil,
        refreshStatus: RefreshStatus? = nil, refreshMessage: String? = nil,
        lastRefreshedAt: Int64? = nil, lastRefreshAttemptAt: Int64? = nil,
        refreshFailures: Int? = nil, nextRefreshAt: Int64? = nil, cooldownUntil: Int64? = nil,
        cooldownReason: String? = nil, quota: Quota? = nil,
        unknownFields: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.provider = provider
        self.email = email
        self.label = label
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.expiresAt = expiresAt
        self.chatgptAccountId = chatgptAccountId
        self.chatgptUserId = chatgptUserId
        self.accountUuid = accountUuid
        self.projectId = projectId
        self.oauthClientId = oauthClientId
        self.oauthClientSecret = oauthClientSecret
        self.proxyURL = proxyURL
        self.disabled = disabled
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.disabledKind = disabledKind
        self.refreshStatus = refreshStatus
        self.refreshMessage = refreshMessage
        self.lastRefreshedAt = lastRefreshedAt
        self.lastRefreshAttemptAt = lastRefreshAttemptAt
        self.refreshFailures = refreshFailures
        self.nextRefreshAt = nextRefreshAt
        self.cooldownUntil = cooldownUntil
        self.cooldownReason = cooldownReason
        self.quota = quota
        self.unknownFields = unknownFields
    }

    /// The state SPEC §5 defines, first rule that holds wins: `disabled` if disabled; else
    /// `cooling` while `now < cooldown_until`; else `expired` once `now ≥ expires_at`; else
    /// `failing` if `refresh_status` is `failing`; else `active`. (`failed` without
    /// `disabled` is `active`: only the disabled flag takes an account out.) Allocation-free:
    /// it is called per request by pool selection.
    @inlinable
    public func state(now: Int64) -> AccountState {
        if disabled { return .disabled }
        if let cooldownUntil, now < cooldownUntil { return .cooling }
        if let expiresAt, now >= expiresAt { return .expired }
        if refreshStatus == .failing { return .failing }
        return .active
    }

    /// True when the account has a token to present or to refresh with. An account file
    /// without either is malformed (SPEC §5 "lacks tokens"); empty strings do not count.
    public var hasTokens: Bool {
        !(accessToken ?? "").isEmpty || !(refreshToken ?? "").isEmpty
    }
}
