/// Process-wide counters, read by `GET /_sim/stats` and zeroed by `POST /_sim/reset-stats`.
/// Token-call start times are kept so tests can check Switchyard's burst spacing and the
/// benchmark can compute throughput; they are milliseconds on a monotonic clock (since the sim
/// started), so they only mean something relative to each other.
struct SimStats: Sendable {
    var tokenCalls = 0
    var tokenInFlight = 0
    var tokenInFlightMax = 0
    var reuses = 0
    var usageCalls = 0
    var apiCalls = 0
    var tokenCallStartsMs: [Int] = []

    mutating func tokenCallStarted(atMs ms: Int) {
        tokenCalls += 1
        tokenInFlight += 1
        tokenInFlightMax = max(tokenInFlightMax, tokenInFlight)
        tokenCallStartsMs.append(ms)
    }

    mutating func tokenCallEnded() {
        tokenInFlight -= 1
    }

    /// Zeroes the counters but keeps the calls still in flight, so their ends balance.
    mutating func reset() {
        self = SimStats(tokenInFlight: tokenInFlight, tokenInFlightMax: tokenInFlight)
    }

    func json() -> JSON {
        [
            "token_calls": .int(tokenCalls), "token_in_flight": .int(tokenInFlight),
            "token_in_flight_max": .int(tokenInFlightMax), "reuses": .int(reuses), "usage_calls": .int(usageCalls),
            "api_calls": .int(apiCalls), "token_call_starts_ms": .array(tokenCallStartsMs.map(JSON.int)),
        ]
    }
}
