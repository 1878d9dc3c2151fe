/// The quota scheduler's decisions (SPEC §3 `quota-interval`, §6.3): each enabled account's
/// quota is read every `interval`, with the same single-flight and dispatch rules as
/// `RefreshPlanner` (both share `DispatchPlanner`), but its own due times and no burst spacing.
///
/// SPEC sets no bound on concurrent quota reads; one is kept anyway (`concurrency`, default
/// 16) so that a start with 10,000 never-read accounts — all due at once — does not fire
/// 10,000 requests through the workers in the same instant.
public struct QuotaPlanner: Sendable {
    public static let defaultConcurrency = 16

    /// The `quota-interval` the due times of `schedule(_ account:)` are computed with.
    public private(set) var interval: Duration
    private var core: DispatchPlanner

    public init(interval: Duration, concurrency: Int = QuotaPlanner.defaultConcurrency) {
        self.interval = interval
        self.core = DispatchPlanner(concurrency: concurrency, spacing: .zero)
    }

    /// Live reload of `quota-interval`. Scheduled due times are not recomputed: the caller
    /// re-runs `schedule(_ account:)` for every account after a change, which moves each
    /// planned read to the new interval (`dueTime`) and leaves backoffs alone.
    public mutating func update(interval: Duration) {
        self.interval = interval
    }

    /// When `account`'s quota is due for a read (Unix seconds), or nil when it is not read:
    /// disabled (§6.7) or without an access token (the read uses the pooled token; the
    /// account is scheduled once a refresh gives it one).
    ///
    /// After a read that went through (`quota.status` ok, or unavailable: a policy refusal is
    /// no failure, §6.3) the next one is `checked_at + interval`, with the interval in force:
    /// the stored `next_check_at` is only the plan made with the interval of that moment, and a
    /// reload or restart with another `quota-interval` must move it. Otherwise `next_check_at`
    /// wins when set: it is the quota backoff (§6.3) or, with `awaitingRefresh`, the fallback
    /// wait for the forced refresh after a 401 (the status is still the previous read's), and
    /// neither may be cut short. Never read → due now (0, the epoch).
    public static func dueTime(for account: Account, interval: Duration, awaitingRefresh: Bool = false) -> Int64? {
        guard !account.disabled, let accessToken = account.accessToken, !accessToken.isEmpty else {
            return nil
        }
        let quota = account.quota
        if !awaitingRefresh, let checkedAt = quota?.checkedAt, let status = quota?.status, Self.readWentThrough(status) {
            return checkedAt.addingClamped(interval.secondsRoundedUp)
        }
        if let next = quota?.nextCheckAt { return next }
        guard let checkedAt = quota?.checkedAt else { return 0 }
        return checkedAt.addingClamped(interval.secondsRoundedUp)
    }

    private static func readWentThrough(_ status: String) -> Bool {
        status == AccountLifecycle.quotaOK || status == AccountLifecycle.quotaUnavailable
    }

    /// Schedules `account` at `dueTime(for:interval:awaitingRefresh:)`, or unschedules it when
    /// that is nil.
    public mutating func schedule(_ account: Account, awaitingRefresh: Bool = false) {
        if let dueAt = Self.dueTime(for: account, interval: interval, awaitingRefresh: awaitingRefresh) {
            core.schedule(account.id, dueAt: dueAt)
        } else {
            core.unschedule(account.id)
        }
    }

    /// As `RefreshPlanner.schedule(_:dueAt:)`.
    public mutating func schedule(_ accountID: String, dueAt: Int64) {
        core.schedule(accountID, dueAt: dueAt)
    }

    public mutating func unschedule(_ accountID: String) {
        core.unschedule(accountID)
    }

    /// Due immediately (operator `quota` request); a no-op while a read is in flight.
    public mutating func requestNow(_ accountID: String) {
        core.requestNow(accountID)
    }

    /// Which reads may start now (due, in due order, while in-flight < concurrency).
    /// `nowMs` is accepted for symmetry with `RefreshPlanner`; without spacing it is unused.
    public mutating func nextDispatches(nowUnix: Int64, nowMs: Int64) -> [String] {
        core.nextDispatches(nowUnix: nowUnix, nowMs: nowMs)
    }

    public mutating func finished(_ accountID: String) {
        core.finished(accountID)
    }

    /// As `RefreshPlanner.nextWakeUp`.
    public func nextWakeUp(nowUnix: Int64, nowMs: Int64) -> Duration? {
        core.nextWakeUp(nowUnix: nowUnix, nowMs: nowMs)
    }

    public var inFlight: Int { core.inFlight }
    public func isInFlight(_ accountID: String) -> Bool { core.isInFlight(accountID) }
    public func scheduledDue(_ accountID: String) -> Int64? { core.dueAt(accountID) }
    public var scheduledCount: Int { core.scheduledCount }
}
