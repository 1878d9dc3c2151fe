/// The refresh scheduler's decisions (SPEC §6.5, §6.7), without clocks or I/O: when each
/// account is due, and which may start now — at most `concurrency` calls in flight across all
/// providers, one per account, two starts at least `burstDelay` apart.
///
/// Use: `schedule` every refreshable account (again whenever it changes), call
/// `nextDispatches` when woken, send those refresh calls, call `finished` when each ends
/// (success, failure, or its worker died), then `schedule` the account anew from the stored
/// result. Sleep for `nextWakeUp`, or until `finished`/`schedule`/`requestNow` is called.
/// A dispatched account is not scheduled again until the caller does so.
///
/// Two clocks: due times are wall-clock Unix seconds (they come from account files); the
/// burst spacing uses a monotonic millisecond clock (`nowMs`), immune to wall-clock steps.
public struct RefreshPlanner: Sendable {
    public private(set) var concurrency: Int
    public private(set) var burstDelay: Duration
    /// The `refresh-lead` the due times of `schedule(_ account:)` are computed with.
    public private(set) var lead: Duration
    private var core: DispatchPlanner

    /// How often a token whose expiry is unknown is refreshed (see `dueTime(for:lead:)`).
    /// Shorter than any provider's token lifetime in PROVIDERS.md (Gemini's is one hour).
    public static let unknownExpiryInterval: Duration = .seconds(45 * 60)

    public init(concurrency: Int, burstDelay: Duration, lead: Duration) {
        self.concurrency = concurrency
        self.burstDelay = burstDelay
        self.lead = lead
        self.core = DispatchPlanner(concurrency: concurrency, spacing: burstDelay)
    }

    /// Live reload (SPEC §3, all three are **L**). Shrinking the concurrency cancels nothing
    /// and admits nothing new until in-flight calls fall below the new bound (§6.7).
    /// Due times already scheduled are not recomputed: after a `lead` change the caller
    /// re-runs `schedule(_ account:)` for every account.
    public mutating func update(concurrency: Int, burstDelay: Duration, lead: Duration) {
        self.concurrency = concurrency
        self.burstDelay = burstDelay
        self.lead = lead
        core.setLimits(concurrency: concurrency, spacing: burstDelay)
    }

    /// When `account` is due for a refresh (Unix seconds), or nil when it must not be
    /// refreshed: disabled (§6.7 skips it), or without a refresh token. SPEC §6.7: due at
    /// `expires_at − refresh-lead` or at `next_refresh_at`. How the two combine:
    ///
    /// - `next_refresh_at` is the backoff of a failing account (§6.2). It **wins** when set
    ///   and `refresh_status` is not `ok`, even when later than `expires_at − lead`: a failing
    ///   refresh usually started at that point, which is now in the past, so taking the
    ///   earlier of the two would retry at once, in a loop, and defeat the backoff (and any
    ///   Retry-After) entirely. Holding off even past expiry is the backoff's intent: an
    ///   upstream in trouble is not hammered.
    /// - When `refresh_status` is `ok` there is no backoff to honour: the earlier of the two
    ///   applies. An earlier `next_refresh_at` is a request to refresh sooner (operator
    ///   `enable` sets it to now, §6.9); a later one must not hold off a refresh the expiry
    ///   needs. (A successful refresh clears `next_refresh_at`, so a past value cannot loop.)
    /// - No `expires_at`: the expiry is unknown. Never refreshed → due now (0, the epoch): a
    ///   refresh is the only way to learn it. Refreshed before → `last_refreshed_at` +
    ///   `unknownExpiryInterval`: a provider answer without `expires_in` must not turn into a
    ///   refresh loop (each of which would rotate a single-use Codex token).
    ///
    /// `lead` is rounded up to whole seconds (refresh no later than `lead` before expiry).
    public static func dueTime(for account: Account, lead: Duration) -> Int64? {
        guard !account.disabled, let refreshToken = account.refreshToken, !refreshToken.isEmpty else {
            return nil
        }
        let byExpiry: Int64
        if let expiresAt = account.expiresAt {
            byExpiry = expiresAt.subtractingClamped(lead.secondsRoundedUp)
        } else {
            byExpiry = account.lastRefreshedAt.map { $0.addingClamped(unknownExpiryInterval.secondsRoundedUp) } ?? 0
        }
        guard let next = account.nextRefreshAt else { return byExpiry }
        return account.refreshStatus == .ok ? min(next, byExpiry) : next
    }

    /// Schedules `account` at `dueTime(for:lead:)` with this planner's lead, or unschedules
    /// it when that is nil (disabled, no refresh token).
    public mutating func schedule(_ account: Account) {
        if let dueAt = Self.dueTime(for: account, lead: lead) {
            core.schedule(account.id, dueAt: dueAt)
        } else {
            core.unschedule(account.id)
        }
    }

    /// (Re)schedules `accountID` at `dueAt` (Unix seconds); O(log n). While its refresh is in
    /// flight the time is remembered and applies once `finished` is called.
    public mutating func schedule(_ accountID: String, dueAt: Int64) {
        core.schedule(accountID, dueAt: dueAt)
    }

    /// Forgets the account (deleted, disabled). A call in flight still needs `finished`.
    public mutating func unschedule(_ accountID: String) {
        core.unschedule(accountID)
    }

    /// Due immediately, ahead of everything due by time (operator `refresh`/`enable`, the
    /// request path's 401). While its refresh is in flight this does nothing: that call is
    /// the one to wait for (single flight, SPEC §6.5).
    public mutating func requestNow(_ accountID: String) {
        core.requestNow(accountID)
    }

    /// Which accounts may start now, marked in flight: due (`dueAt ≤ nowUnix`), in due order,
    /// while in-flight < concurrency; one at most when `burstDelay` > 0, and none while the
    /// last dispatch was less than `burstDelay` ago. `nowMs` is a monotonic millisecond clock
    /// for the spacing, `nowUnix` wall-clock seconds for due times.
    public mutating func nextDispatches(nowUnix: Int64, nowMs: Int64) -> [String] {
        core.nextDispatches(nowUnix: nowUnix, nowMs: nowMs)
    }

    /// The account's call ended, whatever the outcome: frees its slot. Unknown ids are
    /// ignored, so freeing the slots of a crashed worker twice is harmless.
    public mutating func finished(_ accountID: String) {
        core.finished(accountID)
    }

    /// How long until `nextDispatches` may return something (zero: now). Nil when nothing is
    /// scheduled or every slot is taken: then only `schedule`, `requestNow` or `finished` can
    /// change the answer, and the caller asks again after calling them. Due times have
    /// one-second resolution, so the wait is rounded to whole seconds unless the spacing
    /// decides it.
    public func nextWakeUp(nowUnix: Int64, nowMs: Int64) -> Duration? {
        core.nextWakeUp(nowUnix: nowUnix, nowMs: nowMs)
    }

    /// Refresh calls in flight.
    public var inFlight: Int { core.inFlight }

    public func isInFlight(_ accountID: String) -> Bool { core.isInFlight(accountID) }

    /// The due time the account is scheduled at; nil when not scheduled (or in flight).
    /// `requestNow` shows as `Int64.min`.
    public func scheduledDue(_ accountID: String) -> Int64? { core.dueAt(accountID) }

    /// Accounts waiting (not in flight).
    public var scheduledCount: Int { core.scheduledCount }
}
