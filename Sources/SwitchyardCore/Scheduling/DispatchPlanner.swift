/// The scheduling core shared by `RefreshPlanner` and `QuotaPlanner`: accounts keyed by id,
/// each due at a Unix second; it says which may start now under a concurrency bound, one
/// call per account at a time, and a least spacing between two starts. Pure: both clocks are
/// passed in, nothing here sleeps or reads time.
///
/// Cost: schedule, unschedule and each dispatch are O(log n) (a binary heap ordered by due
/// time, then by scheduling order), so 10,000 accounts stay cheap. Deletion is lazy: a
/// rescheduled or unscheduled account leaves a stale heap entry, recognised by its sequence
/// number and dropped when it reaches the top; the heap is rebuilt when stale entries
/// outnumber live ones, so memory stays O(live accounts).
///
/// Invariants: an account is in at most one of {scheduled, in flight}; the heap top, when
/// there is one, is live (so peeking is O(1) and `nextWakeUp` needs no mutation).
struct DispatchPlanner: Sendable {
    /// Due time of `requestNow`: before every account scheduled by time, so an operator or
    /// a request waiting on a refresh is served first.
    static let immediately = Int64.min

    private(set) var concurrency: Int
    private(set) var spacingMs: Int64
    private var heap = MinHeap<DueEntry>()
    /// The live entry of each scheduled account.
    private var scheduled: [String: DueEntry] = [:]
    private var inFlightIDs: Set<String> = []
    /// Due times given for accounts while they were in flight, applied when they finish.
    private var afterFlight: [String: Int64] = [:]
    private var lastDispatchMs: Int64?
    private var nextSequence: UInt64 = 0

    /// `concurrency` below 1 is read as 1: a bound of 0 would stop refreshing for good,
    /// which no configuration can mean (the config validator rejects it anyway).
    init(concurrency: Int, spacing: Duration) {
        self.concurrency = Swift.max(1, concurrency)
        self.spacingMs = spacing.millisecondsRoundedUp
    }

    /// Live change. A smaller bound cancels nothing: calls in flight run to their end, and
    /// nothing new starts until fewer than the new bound are in flight.
    mutating func setLimits(concurrency: Int, spacing: Duration) {
        self.concurrency = Swift.max(1, concurrency)
        self.spacingMs = spacing.millisecondsRoundedUp
    }

    var inFlight: Int { inFlightIDs.count }
    var scheduledCount: Int { scheduled.count }
    func isInFlight(_ id: String) -> Bool { inFlightIDs.contains(id) }

    /// When `id` is due, nil when it is not scheduled (also while it is in flight).
    func dueAt(_ id: String) -> Int64? { scheduled[id]?.dueAt }

    /// (Re)schedules `id`. For an account in flight the time is kept and applied when its
    /// call finishes: single flight forbids a second call before then.
    mutating func schedule(_ id: String, dueAt: Int64) {
        if inFlightIDs.contains(id) {
            afterFlight[id] = dueAt
            return
        }
        let entry = DueEntry(dueAt: dueAt, sequence: nextSequence, id: id)
        nextSequence &+= 1
        let replaced = scheduled.updateValue(entry, forKey: id) != nil
        heap.insert(entry)
        if replaced { dropStaleTopAndCompact() }
    }

    /// Forgets `id`'s due time. A call in flight is not cancelled (it cannot be from here);
    /// only a due time given during it is dropped.
    mutating func unschedule(_ id: String) {
        afterFlight[id] = nil
        guard scheduled.removeValue(forKey: id) != nil else { return }
        dropStaleTopAndCompact()
    }

    /// Due at once, ahead of accounts due by time. No-op while `id` is in flight: that call
    /// is the one the requester waits for (SPEC §6.5: callers share the call in flight).
    mutating func requestNow(_ id: String) {
        guard !inFlightIDs.contains(id) else { return }
        schedule(id, dueAt: Self.immediately)
    }

    /// Takes the accounts that may start now, in due order, and marks them in flight. With a
    /// spacing, at most one, and none until `spacingMs` have passed since the last start.
    mutating func nextDispatches(nowUnix: Int64, nowMs: Int64) -> [String] {
        var started: [String] = []
        while inFlightIDs.count < concurrency, let top = heap.min, top.dueAt <= nowUnix {
            if spacingMs > 0, let last = lastDispatchMs, nowMs.subtractingClamped(last) < spacingMs { break }
            heap.popMin()
            scheduled[top.id] = nil
            inFlightIDs.insert(top.id)
            lastDispatchMs = nowMs
            started.append(top.id)
            dropStaleTop()
        }
        return started
    }

    /// `id`'s call ended: frees its slot, and schedules a due time given while it ran.
    /// Unknown ids are ignored (a worker crash frees its slots through here, maybe twice).
    mutating func finished(_ id: String) {
        guard inFlightIDs.remove(id) != nil else { return }
        if let dueAt = afterFlight.removeValue(forKey: id) {
            schedule(id, dueAt: dueAt)
        }
    }

    /// How long until `nextDispatches` may return something: zero when it would now; nil
    /// when only an outside event can change that (nothing scheduled, or every slot taken —
    /// then `finished` or `schedule` is the event, and the caller asks again after it).
    func nextWakeUp(nowUnix: Int64, nowMs: Int64) -> Duration? {
        guard inFlightIDs.count < concurrency, let top = heap.min else { return nil }
        var wait = Duration.zero
        if top.dueAt > nowUnix {
            wait = .seconds(top.dueAt.subtractingClamped(nowUnix))
        }
        if spacingMs > 0, let last = lastDispatchMs {
            let remaining = last.addingClamped(spacingMs).subtractingClamped(nowMs)
            if remaining > 0 { wait = Swift.max(wait, .milliseconds(remaining)) }
        }
        return wait
    }

    /// Restores "the top is live" after any removal from `scheduled`.
    private mutating func dropStaleTop() {
        while let top = heap.min, scheduled[top.id]?.sequence != top.sequence {
            heap.popMin()
        }
    }

    /// As `dropStaleTop`, and rebuilds the heap (O(n)) once stale entries outnumber live
    /// ones, so that rescheduling every account every cycle cannot grow it without bound.
    /// Amortised O(1) per stale entry.
    private mutating func dropStaleTopAndCompact() {
        dropStaleTop()
        if heap.count > 2 * scheduled.count + 64 {
            heap = MinHeap(Array(scheduled.values))
        }
    }
}

/// A heap entry: ordered by due time, then by when it was scheduled (first come, first
/// served among accounts due at the same second).
private struct DueEntry: Comparable, Sendable {
    let dueAt: Int64
    let sequence: UInt64
    let id: String

    static func < (lhs: DueEntry, rhs: DueEntry) -> Bool {
        (lhs.dueAt, lhs.sequence) < (rhs.dueAt, rhs.sequence)
    }

    static func == (lhs: DueEntry, rhs: DueEntry) -> Bool {
        lhs.dueAt == rhs.dueAt && lhs.sequence == rhs.sequence
    }
}
