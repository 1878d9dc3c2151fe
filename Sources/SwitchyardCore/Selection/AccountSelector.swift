/// Picks the account for each request from the pool the supervisor pushed (SPEC §8):
/// round-robin, fill-first or least-used over the accounts usable now, with session affinity.
///
/// Cost: a request costs O(1) for round-robin and fill-first and O(log n) for least-used,
/// plus one step per account skipped because it was already tried for this request or its
/// model is exhausted on it. Keeping the usable set current costs O(log n) per timer
/// (a cooldown ending, a token expiring) and per pool change. Only the failure path that
/// answers "all cooling" looks at every account, to compute its Retry-After.
///
/// A plain value: its owner serializes access (one per worker, on the worker's event loop or
/// behind its lock). Time is integer Unix seconds, passed in, so tests need no clock.
public struct AccountSelector: Sendable {
    public var strategy: SelectionStrategy
    private var accounts: [String: RoutingAccount] = [:]
    /// Accounts neither cooling nor expired as of the last `advance`.
    private var usable = SortedIDs()
    private var leastUsed = LeastUsedIndex()
    private var inFlight: [String: Int] = [:]
    /// (time, id): when an account's usability may change. Entries are never removed early;
    /// one that no longer matters re-evaluates its account harmlessly.
    private var timers = MinHeap<Timer>()
    private var cursor = 0
    private var sessions: SessionAffinity
    private var now: Int64

    private struct Timer: Comparable, Sendable {
        var at: Int64
        var id: String
        static func < (a: Timer, b: Timer) -> Bool { (a.at, a.id) < (b.at, b.id) }
    }

    public init(strategy: SelectionStrategy, sessionAffinitySeconds: Int64, now: Int64) {
        self.strategy = strategy
        self.sessions = SessionAffinity(ttlSeconds: sessionAffinitySeconds)
        self.now = now
    }

    public var count: Int { accounts.count }
    public var usableCount: Int { usable.count }

    public var sessionAffinitySeconds: Int64 {
        get { sessions.ttlSeconds }
        set { sessions.ttlSeconds = newValue }
    }

    // MARK: - Pool changes

    public mutating func upsert(_ account: RoutingAccount) {
        accounts[account.id] = account
        reevaluate(account.id)
        if let at = account.nextChange(after: now) { timers.insert(Timer(at: at, id: account.id)) }
    }

    public mutating func remove(_ id: String) {
        accounts[id] = nil
        reevaluate(id)
    }

    public mutating func removeAll() {
        accounts.removeAll()
        usable = SortedIDs()
        leastUsed = LeastUsedIndex()
        timers = MinHeap()
        sessions.removeAll()
    }

    /// Cools one account at once (a 429 seen on the request path), until `until`.
    public mutating func cool(_ id: String, until: Int64) {
        guard var account = accounts[id] else { return }
        account.cooldownUntil = max(account.cooldownUntil ?? 0, until)
        upsert(account)
    }

    /// Cools one model on one account (Gemini per-model exhaustion).
    public mutating func cool(_ id: String, model: String, until: Int64) {
        guard var account = accounts[id] else { return }
        account.modelCooldowns[model] = max(account.modelCooldowns[model] ?? 0, until)
        accounts[id] = account
    }

    // MARK: - Requests

    /// A request started on `id`; pair with `finished`.
    public mutating func started(_ id: String) {
        inFlight[id, default: 0] += 1
        updateLoad(id)
    }

    public mutating func finished(_ id: String) {
        guard let count = inFlight[id] else { return }
        inFlight[id] = count > 1 ? count - 1 : nil
        updateLoad(id)
    }

    /// The account for a request at `time`, for `model` (nil: any) and client `session`
    /// (nil: none), skipping the accounts in `excluding` (those already tried for it).
    public mutating func select(
        at time: Int64, model: String? = nil, session: String? = nil, excluding: Set<String> = []
    ) -> Selection {
        advance(to: time)
        var leaving: String?
        /// The bound account is fine but this request already tried it (a 5xx or an overload,
        /// which costs the account nothing, SPEC §6.4): the retry goes elsewhere, the session stays.
        var staying = false
        if let session, let bound = sessions.account(for: session, at: now) {
            if let account = accounts[bound], usable.contains(bound), !account.failing, !account.isCooled(for: model, at: now) {
                sessions.bind(session, to: bound, at: now)
                if !excluding.contains(bound) { return .account(id: bound) }
                staying = true
            }
            // The session moves: to another account if there is one, not back to this one.
            leaving = bound
        }
        let moved = leaving.flatMap { pick(model: model, excluding: excluding.union([$0])) }
        guard let chosen = moved ?? pick(model: model, excluding: excluding) else {
            return failure(model: model, excluding: excluding)
        }
        if let session, !staying { sessions.bind(session, to: chosen, at: now) }
        return .account(id: chosen)
    }

    private func isCandidate(_ id: String, model: String?, excluding: Set<String>) -> Bool {
        if excluding.contains(id) { return false }
        return !(accounts[id]?.isCooled(for: model, at: now) ?? true)
    }

    private mutating func pick(model: String?, excluding: Set<String>) -> String? {
        let count = usable.count
        guard count > 0 else { return nil }
        switch strategy {
        case .roundRobin:
            for step in 0..<count {
                let id = usable[(cursor &+ step) % count]
                if isCandidate(id, model: model, excluding: excluding) {
                    cursor = (cursor &+ step &+ 1) % count
                    return id
                }
            }
            return nil
        case .fillFirst:
            for position in 0..<count where isCandidate(usable[position], model: model, excluding: excluding) {
                return usable[position]
            }
            return nil
        case .leastUsed:
            var skipped: [LeastUsedIndex.Entry] = []
            defer { skipped.forEach { leastUsed.upsert($0) } }
            while let top = leastUsed.top {
                if isCandidate(top.id, model: model, excluding: excluding) { return top.id }
                skipped.append(top)
                _ = leastUsed.popTop()
            }
            return nil
        }
    }

    /// Why nothing was picked: every account is cooling (for this model) → 429 with the
    /// time until the first is usable again; anything else (empty pool, expired tokens,
    /// every usable account already tried) → 503. An account tried already whose model is
    /// now exhausted (this request's own 429) counts as cooling, as one cooled whole does.
    private func failure(model: String?, excluding: Set<String>) -> Selection {
        var earliest: Int64?
        for account in accounts.values {
            let until: Int64
            if account.isCooling(at: now) {
                until = account.cooldownUntil!
            } else if account.isUsable(at: now), account.isCooled(for: model, at: now),
                      let modelUntil = model.flatMap({ account.modelCooldowns[$0] })
            {
                until = modelUntil
            } else {
                return .noneUsable
            }
            earliest = min(earliest ?? until, until)
        }
        guard let earliest else { return .noneUsable }
        return .allCooling(retryAfterSeconds: max(1, earliest - now))
    }

    // MARK: - Usability bookkeeping

    /// Applies every timer due by `time`. Time never goes backwards here.
    public mutating func advance(to time: Int64) {
        if time > now { now = time }
        while let next = timers.min, next.at <= now {
            timers.popMin()
            reevaluate(next.id)
            if let account = accounts[next.id], let at = account.nextChange(after: now), at > next.at {
                timers.insert(Timer(at: at, id: next.id))
            }
        }
    }

    private mutating func reevaluate(_ id: String) {
        if let account = accounts[id], account.isUsable(at: now) {
            usable.insert(id)
            updateLoad(id)
        } else {
            usable.remove(id)
            leastUsed.remove(id)
        }
    }

    private mutating func updateLoad(_ id: String) {
        guard let account = accounts[id], usable.contains(id) else { return }
        leastUsed.upsert(.init(id: id, inFlight: inFlight[id] ?? 0, quotaUsedPercent: account.quotaUsedPercent))
    }
}
