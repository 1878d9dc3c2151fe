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
    /// How long each token call took here, latency included (microseconds): under load the
    /// simulator's own sleeps overshoot, and a benchmark must not blame Switchyard for that.
    var tokenCallDurationsUs: [Int] = []
    /// Token calls answered, and when the last one was (Unix time, microseconds): a benchmark's
    /// end, exact rather than as late as its polling.
    var tokenCallsEnded = 0
    var lastTokenCallEndUnixUs = 0

    mutating func tokenCallStarted(atMs ms: Int) {
        tokenCalls += 1
        tokenInFlight += 1
        tokenInFlightMax = max(tokenInFlightMax, tokenInFlight)
        tokenCallStartsMs.append(ms)
    }

    mutating func tokenCallEnded(took: Duration, atUnixUs now: Int) {
        tokenInFlight -= 1
        tokenCallsEnded += 1
        lastTokenCallEndUnixUs = now
        let (seconds, attoseconds) = took.components
        tokenCallDurationsUs.append(Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000))
    }

    /// Zeroes the counters but keeps the calls still in flight, so their ends balance.
    mutating func reset() {
        self = SimStats(tokenInFlight: tokenInFlight, tokenInFlightMax: tokenInFlight)
    }

    /// p50, p90, p99 and max of `values`, or an empty object.
    static func percentiles(_ values: [Int]) -> JSON {
        guard !values.isEmpty else { return .object([]) }
        let sorted = values.sorted()
        func at(_ fraction: Double) -> JSON { .int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) }
        return .object([("p50", at(0.5)), ("p90", at(0.9)), ("p99", at(0.99)), ("max", .int(sorted.last!))])
    }

    /// `brief` leaves out the per-call lists (10,000s of numbers in a benchmark), so that
    /// polling it costs the machine next to nothing.
    func json(brief: Bool = false) -> JSON {
        var object: JSON = [
            "token_calls": .int(tokenCalls), "token_in_flight": .int(tokenInFlight),
            "token_in_flight_max": .int(tokenInFlightMax), "reuses": .int(reuses), "usage_calls": .int(usageCalls),
            "api_calls": .int(apiCalls), "token_calls_ended": .int(tokenCallsEnded),
            "last_token_call_end_unix_us": .int(lastTokenCallEndUnixUs),
        ]
        guard !brief else { return object }
        object["token_call_starts_ms"] = .array(tokenCallStartsMs.map(JSON.int))
        object["token_call_us"] = Self.percentiles(tokenCallDurationsUs)
        return object
    }
}
