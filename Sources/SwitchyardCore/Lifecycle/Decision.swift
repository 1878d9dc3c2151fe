/// What to do about one failed upstream call: the outcome of `FailureClassifier.classify`
/// (SPEC §6). `AccountLifecycle` turns a decision into account fields; the request path and
/// the schedulers act on the rest (retry elsewhere, force a refresh, back off).
///
/// Every `message` is human text naming the upstream code when there is one (e.g.
/// "invalid_grant: Token has been expired or revoked."), sanitized so that it never carries
/// token text; it is safe to log, persist as `refresh_message`/`disabled_reason`, and show.
public enum Decision: Sendable, Equatable {
    /// Disable the account (SPEC §6.1, §6.4): the credentials are dead, the upstream account
    /// is gone, or its owner must verify it. Subject to the disable guard (§6.8). `code` is
    /// the upstream code that decided it, nil for a code-less refresh 401.
    case permanent(DisabledKind, code: String?, message: String)
    /// The OAuth client is wrong (`invalid_client`, `unauthorized_client`): every account of
    /// the provider would fail the same way, so this is logged loudly and recorded as
    /// `failing`, never disables, and is not counted by the disable guard.
    case configurationError(code: String, message: String)
    /// Back off and try again: refresh (§6.2) or quota (§6.3) backoff. `retryAfter` is the
    /// upstream's wish, already clamped or floored per source; the caller waits the longer
    /// of it and its backoff step.
    case transient(retryAfter: Duration?, message: String)
    /// The quota endpoint refuses this account for policy reasons (quota 403): record
    /// `quota.status: unavailable`; no quota backoff, no quota error (§6.3).
    case quotaUnavailable(message: String)
    /// Rate limited (API 429): cool the account until `until` (Unix seconds), or only
    /// `model` on it when the exhaustion is model-scoped (Gemini).
    case cooldown(until: Int64, reason: String, model: String?)
    /// The upstream is overloaded or unreachable: retry on another account, no penalty.
    case retryElsewhere(message: String)
    /// The access token was refused (API or quota 401): refresh the account (single flight)
    /// and retry once.
    case forceRefreshThenRetry
    /// Nothing to record on the account (a payload error returned to the client unchanged,
    /// a 402/404 from the quota endpoint).
    case neutral(message: String)

    /// The human text of any decision.
    public var message: String {
        switch self {
        case .permanent(_, _, let message), .configurationError(_, let message),
            .transient(_, let message), .quotaUnavailable(let message), .retryElsewhere(let message),
            .neutral(let message):
            message
        case .cooldown(_, let reason, _): reason
        case .forceRefreshThenRetry: "access token refused: refreshing"
        }
    }

    /// The same decision with `message` as its text (for `forceRefreshThenRetry`, which has
    /// none of its own, unchanged).
    public func replacingMessage(_ message: String) -> Decision {
        switch self {
        case .permanent(let kind, let code, _): .permanent(kind, code: code, message: message)
        case .configurationError(let code, _): .configurationError(code: code, message: message)
        case .transient(let retryAfter, _): .transient(retryAfter: retryAfter, message: message)
        case .quotaUnavailable: .quotaUnavailable(message: message)
        case .cooldown(let until, _, let model): .cooldown(until: until, reason: message, model: model)
        case .retryElsewhere: .retryElsewhere(message: message)
        case .forceRefreshThenRetry: .forceRefreshThenRetry
        case .neutral: .neutral(message: message)
        }
    }

    /// The code the disable guard (SPEC §6.8) counts this decision under: the upstream code,
    /// or the disabled kind when there is none (a code-less refresh 401, a deactivation
    /// found in the message). Nil for every decision that does not disable.
    public var guardCode: String? {
        guard case .permanent(let kind, let code, _) = self else { return nil }
        return code ?? kind.rawValue
    }
}

extension Decision: CustomStringConvertible {
    public var description: String {
        switch self {
        case .permanent(let kind, _, let message): "permanent (\(kind.rawValue)): \(message)"
        case .configurationError(_, let message): "configuration error: \(message)"
        case .transient(let retryAfter, let message):
            retryAfter.map { "transient (retry after \($0)): \(message)" } ?? "transient: \(message)"
        case .quotaUnavailable(let message): "quota unavailable: \(message)"
        case .cooldown(let until, let reason, let model):
            "cooldown until \(until)\(model.map { " for \($0)" } ?? ""): \(reason)"
        case .retryElsewhere(let message): "retry elsewhere: \(message)"
        case .forceRefreshThenRetry: "force refresh, then retry"
        case .neutral(let message): "neutral: \(message)"
        }
    }
}
