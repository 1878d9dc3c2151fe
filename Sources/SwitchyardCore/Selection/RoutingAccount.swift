/// What selection needs to know of one pooled account: its timestamps and routing state,
/// no credentials (the worker keeps those next to it, keyed by `id`).
public struct RoutingAccount: Sendable, Equatable {
    public var id: String
    /// Unix seconds; from then on the account is not used until an update brings a new token.
    public var expiresAt: Int64?
    /// Unix seconds; account-wide rate-limit cooldown.
    public var cooldownUntil: Int64?
    /// Model → Unix seconds: requests for that model skip the account until then (Gemini).
    public var modelCooldowns: [String: Int64]
    /// Refresh failing (transient): still routable while its token is valid, but a session
    /// bound to it moves elsewhere (SPEC §8).
    public var failing: Bool
    /// The highest `used_percent` of the account's quota windows; least-used's tie-breaker.
    public var quotaUsedPercent: Double

    public init(
        id: String, expiresAt: Int64? = nil, cooldownUntil: Int64? = nil,
        modelCooldowns: [String: Int64] = [:], failing: Bool = false, quotaUsedPercent: Double = 0
    ) {
        self.id = id
        self.expiresAt = expiresAt
        self.cooldownUntil = cooldownUntil
        self.modelCooldowns = modelCooldowns
        self.failing = failing
        self.quotaUsedPercent = quotaUsedPercent
    }

    /// Neither cooling nor expired at `now`.
    func isUsable(at now: Int64) -> Bool {
        if let cooldownUntil, now < cooldownUntil { return false }
        if let expiresAt, now >= expiresAt { return false }
        return true
    }

    func isCooling(at now: Int64) -> Bool {
        if let cooldownUntil { return now < cooldownUntil }
        return false
    }

    /// Whether `model` is exhausted on this account at `now`.
    func isCooled(for model: String?, at now: Int64) -> Bool {
        guard let model, let until = modelCooldowns[model] else { return false }
        return now < until
    }

    /// The next moment usability may change (a cooldown ending, the token expiring), if any.
    func nextChange(after now: Int64) -> Int64? {
        if let cooldownUntil, now < cooldownUntil { return cooldownUntil }
        if let expiresAt, now < expiresAt { return expiresAt }
        return nil
    }
}

/// The answer of `AccountSelector.select`.
public enum Selection: Sendable, Equatable {
    case account(id: String)
    /// Every account is cooling (for this model): answer 429 with this `Retry-After` (whole
    /// seconds, rounded up, at least 1) — the time until the first becomes usable.
    case allCooling(retryAfterSeconds: Int64)
    /// No account can take the request (none in the pool, all expired, or all tried): 503.
    case noneUsable
}
