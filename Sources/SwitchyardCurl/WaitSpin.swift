/// Whether the loop polls for a moment before it sleeps while transfers are in flight.
///
/// Why: on a VM whose idle vCPUs halt (this one's guest halt-polling is off:
/// `guest_halt_poll_ns` 0), a thread that sleeps until the upstream answers pays for the halt
/// and the wake-up, and finds its caches cold: measured, a request at concurrency 1 costs
/// about three times the CPU it costs under load. An upstream on a fast link often answers
/// within tens of microseconds; polling that long catches the answer awake. Measured on the
/// benchmark rig: added p50 at concurrency 1 from 0.17–0.19 to 0.14 ms, at the same CPU per
/// request (the poll replaces the halt's cost) and the same throughput under load, where the
/// loop never waits idle.
///
/// Adaptive, so that it costs nothing where it cannot pay: the poll happens only while recent
/// waits averaged under four windows (0.4 ms). A loop serving slow streams (an LLM's tokens
/// tens of milliseconds apart) sees long waits, stops polling after a few, and sleeps at once;
/// it polls again once answers come quickly again (each wait is measured either way).
struct WaitSpin {
    /// How long one poll lasts before the loop sleeps.
    static let windowNanoseconds: Int64 = 100_000
    /// Recent waits, averaged (each new one weighs an eighth), in nanoseconds.
    private(set) var averageWaitNanoseconds: Int64 = 0

    /// Whether to poll before sleeping now.
    var shouldSpin: Bool { averageWaitNanoseconds < 4 * Self.windowNanoseconds }

    /// A wait for readiness with transfers in flight took this long (polling and sleeping).
    mutating func record(waitedNanoseconds: Int64) {
        averageWaitNanoseconds += (max(0, waitedNanoseconds) - averageWaitNanoseconds) / 8
    }
}
