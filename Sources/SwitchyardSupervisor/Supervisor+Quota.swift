import Foundation
import Logging
import SwitchyardCore
import SwitchyardProtocol

/// The quota scheduler's state, kept in the actor. Its backoff is its own (SPEC §6.3):
/// quota failures never touch the refresh fields, and a quota 403 arms nothing.
struct QuotaState {
    var planner: QuotaPlanner
    /// With the access token the read used: a 401 for a token that was rotated meanwhile
    /// says nothing about the account.
    var inFlight: [String: (accountID: String, provider: Provider, accessToken: String?)] = [:]
    /// Consecutive transient failures per account: the quota-backoff step.
    var failures: [String: Int] = [:]
    /// Accounts whose quota read got a 401 and that were refreshed once for it (§6.3: one
    /// forced refresh, then one retry).
    var retriedAfterRefresh: Set<String> = []
    var random = SystemRandomNumberGenerator()
    var counter: UInt64 = 0
    var skippedLogged: Set<String> = []
}

extension Supervisor {
    func scheduleQuota(_ account: Account) {
        guard !account.disabled else {
            quotas.planner.unschedule(account.id)
            if quotas.skippedLogged.insert(account.id).inserted {
                logger.info("Skipping \(account.id) (disabled)", metadata: ["scheduler": "quota"])
            }
            return
        }
        quotas.skippedLogged.remove(account.id)
        quotas.planner.schedule(account, awaitingRefresh: quotas.retriedAfterRefresh.contains(account.id))
    }

    /// Runs every 250 ms from `tick` (quota reads are minutes apart; no finer timer needed).
    func dispatchDueQuotaReads() {
        let now = Self.unixNow()
        for id in quotas.planner.nextDispatches(nowUnix: now, nowMs: Self.monotonicMs()) {
            guard let account = accounts[id], !account.disabled,
                  let worker = slots[account.provider]?.live.last(where: { $0.isConnected && $0.state != .draining })
            else {
                quotas.planner.finished(id)
                if let account = accounts[id] { quotas.planner.schedule(account.id, dueAt: now + 5) }
                continue
            }
            quotas.counter += 1
            let requestID = "q-\(refreshing.runID)-\(quotas.counter)"
            quotas.inFlight[requestID] = (id, account.provider, account.accessToken)
            send(.quota(QuotaRequest(requestID: requestID, accountID: id)), to: worker)
        }
    }

    func quotaResultArrived(_ result: QuotaResult) {
        guard let flight = quotas.inFlight.removeValue(forKey: result.requestID) else { return }
        quotas.planner.finished(flight.accountID)
        enqueueWrite(.quota(result, flight.provider, accessToken: flight.accessToken))
    }

    /// How long a quota read refused with 401 waits for its forced refresh at most.
    static let quotaRetryFallback: Int64 = 120

    /// A refresh stored a new access token for an account whose quota read is waiting for it.
    func quotaTokenRenewed(_ account: Account) {
        guard quotas.retriedAfterRefresh.contains(account.id), !account.disabled else { return }
        quotas.planner.schedule(account.id, dueAt: Self.unixNow())
    }

    func quotaOutcome(_ result: QuotaResult, for account: Account, provider: Provider) -> Account {
        let now = Self.unixNow()
        let interval = Int64(config.quotaInterval.components.seconds)
        let body = Array((result.body ?? "").utf8)
        // This read was the one retry after a forced refresh, if the flag was set (§6.3).
        let wasRetry = quotas.retriedAfterRefresh.remove(account.id) != nil
        if result.httpStatus == 200, result.error == nil,
           let windows = try? ProviderAdapters.adapter(for: provider).parseUsage(body, now: now) {
            quotas.failures[account.id] = nil
            return AccountLifecycle.applyQuotaReading(account, windows: windows, now: now, nextCheck: now + interval)
        }
        var headers: [(String, String)] = []
        if let retryAfter = result.retryAfterSeconds { headers.append(("retry-after", String(retryAfter))) }
        let decision = FailureClassifier.classify(
            source: .quota, provider: provider, status: result.httpStatus, headers: headers, body: body, transportError: result.error, now: now)
        switch decision {
        case .quotaUnavailable(let message):
            // Organization policy or a missing scope: recorded, no backoff, no failure (§6.3).
            var updated = AccountLifecycle.applyQuotaUnavailable(account, message: message, now: now)
            updated.quota?.nextCheckAt = now + interval
            return updated
        case .forceRefreshThenRetry where !wasRetry && ForcedRefresh.allowed(for: account, now: now):
            // One forced refresh, then one retry — with the new token: `accountChanged` makes
            // the read due the moment the refresh stores it. Should the refresh not come
            // through, the read is retried after `quotaRetryFallback` all the same.
            quotas.retriedAfterRefresh.insert(account.id)
            _ = refreshNow(account.id)
            var waiting = account
            waiting.quota = waiting.quota ?? Quota()
            waiting.quota?.nextCheckAt = now + Self.quotaRetryFallback
            return waiting
        case .permanent(let kind, let code, let message):
            // Through the disable guard like every automatic disable (SPEC §6.8): a usage
            // endpoint answering "suspended" for everyone must not empty the pool.
            let changed = disableThroughGuard(account, kind: kind, code: code, message: message, now: now)
            return changed.disabled ? changed : quotaBackedOff(changed, message: message, retryAfter: nil, now: now)
        case .neutral(let message):
            var updated = account
            updated.quota = updated.quota ?? Quota()
            updated.quota?.checkedAt = now
            updated.quota?.message = message
            updated.quota?.nextCheckAt = now + interval
            return updated
        default:
            logger.info("quota read failed; backing off", metadata: ["account": "\(account.id)", "decision": "\(decision)"])
            var retryAfter: Duration?
            if case .transient(let wish?, _) = decision { retryAfter = wish }
            return quotaBackedOff(account, message: decision.message, retryAfter: retryAfter, now: now)
        }
    }

    /// A failed quota read: the next one after the quota backoff (or the upstream's longer wish).
    private func quotaBackedOff(_ account: Account, message: String, retryAfter: Duration?, now: Int64) -> Account {
        let step = quotas.failures[account.id, default: 0]
        quotas.failures[account.id] = step + 1
        var wait = JitteredBackoff(initial: config.quotaBackoff.initial, max: config.quotaBackoff.max)
            .delay(step: step, using: &quotas.random)
        if let retryAfter { wait = max(wait, retryAfter) }
        return AccountLifecycle.applyQuotaFailure(account, message: message, now: now, nextCheck: now + Int64(wait.components.seconds) + 1)
    }
}
