/// Which account served a client session last (SPEC §8), for `session-affinity` seconds after
/// its last request, so that prompt caches stay warm.
///
/// Bounded: bindings older than the affinity are swept in arrival order, and past
/// `maximumSessions` the oldest binding is dropped first (a client inventing session keys
/// must not grow the worker without limit).
struct SessionAffinity: Sendable {
    private struct Binding: Sendable {
        var accountID: String
        var lastUsed: Int64
    }

    static let maximumSessions = 100_000
    var ttlSeconds: Int64
    private var bindings: [String: Binding] = [:]
    /// Session keys in the order they were queued, with that time; may hold keys removed or
    /// re-bound since, which the sweep skips or re-queues.
    private var order: [(key: String, queuedAt: Int64)] = []
    private var orderStart = 0

    init(ttlSeconds: Int64) { self.ttlSeconds = ttlSeconds }

    var count: Int { bindings.count }

    /// The account bound to `key`, if the binding has not lapsed at `now`.
    func account(for key: String, at now: Int64) -> String? {
        guard ttlSeconds > 0, let binding = bindings[key], now - binding.lastUsed < ttlSeconds else { return nil }
        return binding.accountID
    }

    mutating func bind(_ key: String, to accountID: String, at now: Int64) {
        guard ttlSeconds > 0 else { return }
        if bindings.updateValue(Binding(accountID: accountID, lastUsed: now), forKey: key) == nil {
            order.append((key, now))
        }
        sweep(now: now)
    }

    mutating func removeAll() {
        bindings.removeAll()
        order.removeAll()
        orderStart = 0
    }

    /// Looks at queue entries old enough to have lapsed: a binding used since goes to the back
    /// of the queue, a lapsed one is dropped; past the bound the oldest go first whatever their
    /// age. Amortized O(1) per bind.
    private mutating func sweep(now: Int64) {
        while orderStart < order.count {
            let (key, queuedAt) = order[orderStart]
            let overBound = bindings.count > Self.maximumSessions
            if now - queuedAt < ttlSeconds && !overBound { break }
            orderStart += 1
            guard let binding = bindings[key] else { continue }
            if overBound || now - binding.lastUsed >= ttlSeconds {
                bindings[key] = nil
            } else {
                order.append((key, binding.lastUsed))
            }
        }
        if orderStart > 1024 && orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}
