import SwitchyardProtocol

/// Applies the supervisor's pool messages to the routing table and knows when a full sync
/// is complete: `pool_reset(total)` followed by `pool_upsert` batches until `total` accounts
/// have arrived (the worker reports `ready` once it has a complete pool and its config).
/// Later upserts and removes apply one by one.
struct WorkerPool {
    let routing: RoutingTable
    private var awaitingReset: Int? = nil
    private(set) var isComplete = false

    init(routing: RoutingTable) {
        self.routing = routing
    }

    mutating func reset(total: Int) {
        routing.reset()
        awaitingReset = total
        isComplete = total == 0
    }

    mutating func upsert(_ batch: [PoolAccount]) {
        routing.upsert(batch)
        if let expected = awaitingReset, routing.count >= expected {
            awaitingReset = nil
            isComplete = true
        }
    }

    mutating func remove(_ ids: [String]) {
        routing.remove(ids)
    }

    var count: Int { routing.count }
}
