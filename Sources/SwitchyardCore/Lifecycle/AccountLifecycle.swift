/// The account state machine of SPEC §6 as pure transitions: each takes an account and what
/// happened, and returns the account to store. No clock, no I/O, no randomness — the caller
/// passes `now` (Unix seconds) and the backoff step it drew.
///
/// Invariants every transition keeps:
/// - `last_refreshed_at` changes only on a successful refresh (§5); failures stamp
///   `last_refresh_attempt_at` instead. (The seeds' bug: a permanent failure recorded as a
///   success kept the account in rotation.)
/// - Identity fields are only ever added, never replaced: the account id was derived from
///   them (§5).
/// - A cooldown is never shortened by a later, shorter one.
public enum AccountLifecycle {
    /// Quota status written by a successful reading.
    public static let quotaOK = "ok"
    /// Quota status for a read the provider refuses by policy (§6.3 quota 403).
    public static let quotaUnavailable = "unavailable"
    /// Quota status while quota reads back off (429, 5xx, network).
    public static let quotaFailing = "failing"
    /// Start of `refresh_message` for a permanent failure held by the disable guard (§6.8).
    public static let heldPrefix = "held: possible upstream outage"

    /// A refresh succeeded: the new tokens, identity learned from the response, and the
    /// refresh bookkeeping reset (§5). A grant without a refresh token keeps the stored one
    /// (Gemini's never rotates; Claude's may be omitted); likewise the id token. The
    /// expiry is the grant's: the old one described the old access token.
    public static func applyRefreshSuccess(_ account: Account, grant: TokenGrant, now: Int64) -> Account {
        var account = account
        account.accessToken = grant.accessToken
        if let refreshToken = grant.refreshToken, !refreshToken.isEmpty { account.refreshToken = refreshToken }
        if let idToken = grant.idToken, !idToken.isEmpty { account.idToken = idToken }
        account.expiresAt = grant.expiresAt
        learn(&account.accountUuid, grant.accountUUID)
        learn(&account.email, grant.email)
        learn(&account.chatgptAccountId, grant.chatgptAccountID)
        learn(&account.chatgptUserId, grant.chatgptUserID)
        account.refreshStatus = .ok
        account.refreshMessage = nil
        account.refreshFailures = nil
        account.nextRefreshAt = nil
        account.lastRefreshedAt = now
        account.lastRefreshAttemptAt = now
        return account
    }

    /// A refresh failed with `decision` (from `FailureClassifier`, source `.refresh`).
    /// - `.permanent` admitted by the guard: disabled (§6.1), `refresh_status: failed`, no
    ///   next refresh — the account is never refreshed again until re-login or `enable`.
    /// - `.permanent` held by the guard (`guardAdmits` false): `failing` with a message
    ///   starting "held: possible upstream outage (<code>): ", retried after `backoff`.
    /// - `.transient`, `.configurationError` (and, defensively, any decision the classifier
    ///   never gives for refresh): `failing`, retried after the longer of `backoff` and the
    ///   decision's `retryAfter`.
    /// Every branch stamps `last_refresh_attempt_at` and counts the failure; none touches
    /// `last_refreshed_at`.
    public static func applyRefreshFailure(
        _ account: Account, decision: Decision, guardAdmits: Bool, backoff: Duration, now: Int64
    ) -> Account {
        var account = account
        account.lastRefreshAttemptAt = now
        account.refreshFailures = (account.refreshFailures ?? 0) + 1
        switch decision {
        case .permanent(let kind, _, let message) where guardAdmits:
            account = applyPermanentFailure(account, kind: kind, message: message, now: now)
            account.refreshStatus = .failed
            account.refreshMessage = message
            account.nextRefreshAt = nil
        case .permanent(_, _, let message):
            account.refreshStatus = .failing
            account.refreshMessage = "\(heldPrefix) (\(decision.guardCode ?? "unknown")): \(message)"
            account.nextRefreshAt = LifecycleTime.adding(backoff, to: now)
        case .transient(let retryAfter, let message):
            account.refreshStatus = .failing
            account.refreshMessage = message
            account.nextRefreshAt = LifecycleTime.adding(max(backoff, retryAfter ?? .zero), to: now)
        default:
            account.refreshStatus = .failing
            account.refreshMessage = decision.message
            account.nextRefreshAt = LifecycleTime.adding(backoff, to: now)
        }
        return account
    }

    /// A disabling answer outside the refresh path (SPEC §6.4) that the disable guard held
    /// back (§6.8): the account stays enabled but `failing`, with the held message, and is
    /// tested again by a refresh after `backoff`.
    public static func applyHeldDisable(_ account: Account, code: String, message: String, backoff: Duration, now: Int64)
        -> Account
    {
        var account = account
        account.refreshStatus = .failing
        account.refreshMessage = "\(heldPrefix) (\(code)): \(message)"
        account.nextRefreshAt = LifecycleTime.adding(backoff, to: now)
        return account
    }

    /// Disables the account automatically (a permanent decision from any source, admitted by
    /// the disable guard): `disabled`, `disabled_kind`, `disabled_reason`, `disabled_at`.
    /// Refresh fields are the caller's (`applyRefreshFailure` sets them for refresh).
    public static func applyPermanentFailure(_ account: Account, kind: DisabledKind, message: String, now: Int64)
        -> Account
    {
        var account = account
        account.disabled = true
        account.disabledKind = kind
        account.disabledReason = message
        account.disabledAt = now
        return account
    }

    /// A quota reading (§6.3): `quota.status: ok` with the windows. A window at 100% or more
    /// cools the account until its `resets_at` (the latest, if several; until `nextCheck`
    /// when the provider gave none). Gemini windows are per-model buckets: the account
    /// cools only when every bucket is exhausted; otherwise the exhausted models' windows
    /// are what make requests for those models skip the account.
    ///
    /// A model the API itself reported exhausted (a 429, `applyCooldown`) stays exhausted
    /// until its reset even when this reading does not show it so: usage endpoints lag
    /// behind the API, and ending the cooldown early sends requests into more 429s.
    public static func applyQuotaReading(_ account: Account, windows: [QuotaWindow], now: Int64, nextCheck: Int64)
        -> Account
    {
        var account = account
        var windows = windows
        for held in account.quota?.windows ?? [] {
            guard let model = held.model, held.usedPercent >= 100, let resetsAt = held.resetsAt, resetsAt > now,
                  !windows.contains(where: { $0.model == model && $0.usedPercent >= 100 })
            else { continue }
            windows.removeAll { $0.model == model }
            windows.append(held)
        }
        var quota = Quota(checkedAt: now, windows: windows, status: quotaOK, message: nil, nextCheckAt: nextCheck)
        quota.otherMembers = account.quota?.otherMembers ?? [:]
        account.quota = quota
        let exhausted = windows.filter { $0.usedPercent >= 100 }
        let coolsAccount =
            account.provider == .gemini
            ? !windows.isEmpty && exhausted.count == windows.count
            : !exhausted.isEmpty
        guard coolsAccount else { return account }
        let until = exhausted.compactMap(\.resetsAt).max() ?? nextCheck
        let names = exhausted.map(\.name).joined(separator: ", ")
        extendCooldown(&account, until: until, reason: "quota exhausted: \(names)")
        return account
    }

    /// The provider refuses quota reads for this account by policy (quota 403, §6.3): the
    /// reason is shown, the last windows are kept, and nothing backs off or counts as an
    /// error — the scheduler reads again at its normal interval.
    public static func applyQuotaUnavailable(_ account: Account, message: String, now: Int64) -> Account {
        var account = account
        var quota = account.quota ?? Quota()
        quota.checkedAt = now
        quota.status = quotaUnavailable
        quota.message = message
        account.quota = quota
        return account
    }

    /// A quota read failed transiently (429, 5xx, network, §6.3): `quota.status: failing`
    /// with the message, next read at `nextCheck` (the caller's quota-backoff step, or the
    /// decision's `retryAfter` if longer). The last windows are kept.
    public static func applyQuotaFailure(_ account: Account, message: String, now: Int64, nextCheck: Int64)
        -> Account
    {
        var account = account
        var quota = account.quota ?? Quota()
        quota.checkedAt = now
        quota.status = quotaFailing
        quota.message = message
        quota.nextCheckAt = nextCheck
        account.quota = quota
        return account
    }

    /// A rate limit (API 429, §6.4). Without `model`: `cooldown_until`/`cooldown_reason`,
    /// unless the account already cools longer. With `model` (Gemini model-scoped
    /// exhaustion): only that model cools, as a `quota.windows` entry for the model at 100%
    /// resetting at `until`; the account stays usable for other models.
    public static func applyCooldown(_ account: Account, until: Int64, reason: String, model: String? = nil)
        -> Account
    {
        var account = account
        guard let model else {
            extendCooldown(&account, until: until, reason: reason)
            return account
        }
        var quota = account.quota ?? Quota()
        if let index = quota.windows.firstIndex(where: { $0.model == model }) {
            let window = quota.windows[index]
            if window.usedPercent >= 100, let resetsAt = window.resetsAt, resetsAt >= until { return account }
            quota.windows[index].usedPercent = max(window.usedPercent, 100)
            quota.windows[index].resetsAt = until
        } else {
            quota.windows.append(QuotaWindow(name: model, model: model, usedPercent: 100, resetsAt: until))
        }
        account.quota = quota
        return account
    }

    /// Operator `enable` (§6.9): the disabled fields cleared and a refresh due at once. The
    /// failure count and a `failed` status go (the account is being given a new chance);
    /// `refresh_message` stays as history until the next refresh writes its own.
    public static func applyOperatorEnable(_ account: Account, now: Int64) -> Account {
        var account = account
        account.disabled = false
        account.disabledKind = nil
        account.disabledReason = nil
        account.disabledAt = nil
        account.refreshFailures = nil
        if account.refreshStatus == .failed { account.refreshStatus = nil }
        account.nextRefreshAt = now
        return account
    }

    /// Operator `disable`: `disabled_kind: operator`. Refresh fields are left as they are.
    public static func applyOperatorDisable(_ account: Account, reason: String?, now: Int64) -> Account {
        var account = account
        account.disabled = true
        account.disabledKind = .byOperator
        account.disabledReason = reason ?? "disabled by operator"
        account.disabledAt = now
        return account
    }

    /// Sets an identity field the account does not have yet; never replaces one (§5).
    private static func learn(_ field: inout String?, _ value: String?) {
        guard field == nil || field?.isEmpty == true, let value, !value.isEmpty else { return }
        field = value
    }

    private static func extendCooldown(_ account: inout Account, until: Int64, reason: String) {
        if let current = account.cooldownUntil, current >= until { return }
        account.cooldownUntil = until
        account.cooldownReason = reason
    }
}
