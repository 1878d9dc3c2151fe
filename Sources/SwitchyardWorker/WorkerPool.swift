import SwitchyardProtocol

/// The accounts this worker may route to, as the supervisor last pushed them.
///
/// A full sync is `pool_reset(total)` followed by `pool_upsert` batches until `total`
/// accounts have arrived; only then is the pool complete (the worker reports `ready` once
/// it has a complete pool and its config). Later upserts and removes apply one by one.
struct WorkerPool: Sendable {
    private(set) var accounts: [String: PoolAccount] = [:]
    private var awaitingReset: Int? = nil
    private(set) var isComplete = false

    mutating func reset(total: Int) {
        accounts.removeAll(keepingCapacity: true)
        awaitingReset = total
        isComplete = total == 0
    }

    mutating func upsert(_ batch: [PoolAccount]) {
        for account in batch { accounts[account.id] = account }
        if let expected = awaitingReset, accounts.count >= expected {
            awaitingReset = nil
            isComplete = true
        }
    }

    mutating func remove(_ ids: [String]) {
        for id in ids { accounts[id] = nil }
    }

    var count: Int { accounts.count }
}
