/// Slows down guessing of the management key (SPEC §9: "repeated failures from one address are
/// slowed down"). Each client has a failure score: a refused key adds one, and one is forgiven
/// every `forgiveEvery` of quiet. The first `freeFailures` (typing mistakes) are answered at
/// once; after that each further failure is answered late, `firstDelay` doubling up to
/// `maximumDelay`. A success changes nothing: behind a shared address (NAT, a proxy) one
/// client's right key must not buy another a fresh allowance.
///
/// The table is bounded (`maximumClients`), so a flood of addresses costs memory once, not
/// without end. The delay slows a guesser who waits for each answer; one who opens many
/// connections at once still gets `maximumDelay` per answer, so the key's length stays the
/// real defence.
///
/// Pure: the caller passes the time (any monotonic origin), so it is tested without clocks.
public struct FailureThrottle: Sendable {
    public struct Policy: Sendable, Equatable {
        public var freeFailures = 5
        public var firstDelay: Duration = .milliseconds(100)
        public var maximumDelay: Duration = .seconds(4)
        public var forgiveEvery: Duration = .seconds(30)
        /// Past this the score stops growing, so a client is fully forgiven in at most
        /// `maximumScore × forgiveEvery` (10 minutes) after it stops.
        public var maximumScore = 20
        public var maximumClients = 4096

        public init() {}
    }

    private struct Record {
        var score: Int
        /// When the score was last brought up to date; forgiveness counts from here.
        var settledAt: Duration
        var lastFailure: Duration
    }

    public let policy: Policy
    private var records: [String: Record] = [:]

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Clients with a record (drained ones may linger until the table needs the room).
    public var trackedClients: Int { records.count }

    /// Counts a refused key from `client` at `now` and returns how long to wait before
    /// answering it (zero for the first few).
    public mutating func failure(from client: String, at now: Duration) -> Duration {
        var record = records[client].map { settled($0, at: now) } ?? Record(score: 0, settledAt: now, lastFailure: now)
        if records[client] == nil, records.count >= policy.maximumClients { makeRoom(at: now) }
        record.score = min(record.score + 1, policy.maximumScore)
        record.lastFailure = now
        records[client] = record
        return delay(forScore: record.score)
    }

    /// The client's current score: failures not yet forgiven.
    public func score(of client: String, at now: Duration) -> Int {
        records[client].map { settled($0, at: now).score } ?? 0
    }

    /// The wait for the failure that brought the score to `score`.
    public func delay(forScore score: Int) -> Duration {
        let excess = score - policy.freeFailures
        guard excess > 0 else { return .zero }
        var delay = policy.firstDelay
        for _ in 1..<excess {
            delay *= 2
            if delay >= policy.maximumDelay { break }
        }
        return min(delay, policy.maximumDelay)
    }

    private func settled(_ record: Record, at now: Duration) -> Record {
        guard policy.forgiveEvery > .zero, now > record.settledAt else { return record }
        let forgiven = Int((now - record.settledAt) / policy.forgiveEvery)
        guard forgiven > 0 else { return record }
        var record = record
        if forgiven >= record.score {
            record.score = 0
            record.settledAt = now
        } else {
            // Forgiveness runs on from the last whole step, not from `now`: frequent failures
            // must not keep resetting the clock that forgives them.
            record.score -= forgiven
            record.settledAt += policy.forgiveEvery * forgiven
        }
        return record
    }

    /// Drops every fully forgiven client; if that frees nothing, the eighth of the table quiet
    /// longest. Freeing a batch, not one, keeps a flood of new addresses from scanning the
    /// whole table on every failure: one scan per `maximumClients / 8` new clients.
    private mutating func makeRoom(at now: Duration) {
        records = records.filter { settled($0.value, at: now).score > 0 }
        guard records.count >= policy.maximumClients else { return }
        let quietest = records.sorted { $0.value.lastFailure < $1.value.lastFailure }.prefix(max(1, policy.maximumClients / 8))
        for (client, _) in quietest { records[client] = nil }
    }
}
