import Logging
import SwitchyardCore
import SwitchyardProtocol

extension Supervisor {
    /// A worker's report of an upstream answer on the request path (SPEC §4, §6.4). The worker
    /// has already acted on its own copy of the pool (cooled the account, moved the request
    /// on); here the change is classified again, persisted and pushed to every worker.
    func outcomeArrived(_ outcome: Outcome, from provider: Provider) {
        guard let account = accounts[outcome.accountID], account.provider == provider else { return }
        if outcome.projectID != nil {
            enqueueWrite(.outcome(outcome, provider))
            return
        }
        switch Self.decision(for: outcome, provider: provider) {
        case .forceRefreshThenRetry:
            refreshAfterUnauthorized(account, refusedTokenSHA256: outcome.accessTokenSHA256)
        case .cooldown, .permanent:
            enqueueWrite(.outcome(outcome, provider))
        case let other:
            logger.debug("upstream answer on the request path", metadata: ["account": "\(account.id)", "decision": "\(other)"])
        }
    }

    /// The decision for a reported outcome (see `ReportedDecision`).
    static func decision(for outcome: Outcome, provider: Provider) -> Decision {
        ReportedDecision.decide(
            provider: provider, status: outcome.httpStatus == 0 ? nil : outcome.httpStatus, code: outcome.errorCode,
            message: outcome.message, resetsAt: outcome.resetsAt, model: outcome.model, now: unixNow())
    }

    /// An access token refused on the request path: refresh the account now (single flight,
    /// SPEC §6.5) — unless a refresh is under way, or the refused token is no longer the
    /// stored one (a request still in flight with the token a refresh just replaced).
    private func refreshAfterUnauthorized(_ account: Account, refusedTokenSHA256: String?) {
        if let refused = refusedTokenSHA256, let current = account.accessToken,
           SHA256.hexDigest(Array(current.utf8)) != refused { return }
        if refreshing.planner.isInFlight(account.id) || refreshing.awaitingCommit.contains(account.id) { return }
        guard ForcedRefresh.allowed(for: account, now: Self.unixNow()) else {
            logger.info("access token refused on the request path; not refreshed outside the schedule (backing off or just refreshed)",
                        metadata: ["account": "\(account.id)"])
            return
        }
        logger.info("access token refused on the request path; refreshing", metadata: ["account": "\(account.id)"])
        _ = refreshNow(account.id)
    }

    /// The account after a reported outcome, computed at write time (see `enqueueWrite`).
    func outcomeChange(_ outcome: Outcome, on account: Account, provider: Provider) -> Account? {
        let now = Self.unixNow()
        if let project = outcome.projectID {
            guard account.projectId == nil else { return nil }
            var updated = account
            updated.projectId = project
            return updated
        }
        switch Self.decision(for: outcome, provider: provider) {
        case .cooldown(let until, let reason, let model):
            guard until > now else { return nil }
            return AccountLifecycle.applyCooldown(account, until: until, reason: reason, model: model)
        case .permanent(let kind, let code, let message):
            guard !account.disabled else { return nil }
            return disableThroughGuard(account, kind: kind, code: code, message: message, now: now)
        default:
            return nil
        }
    }
}
