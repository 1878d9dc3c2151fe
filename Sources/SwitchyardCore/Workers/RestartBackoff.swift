/// Delay before restarting a worker that exited unexpectedly (SPEC §1): 1 s, doubling up to
/// 60 s; a worker that ran healthily for 60 s before it crashed starts again from 1 s.
///
/// Pure: the caller passes the times, so the rule is tested without processes or clocks.
public struct RestartBackoff: Sendable, Equatable {
    public static let initial: Duration = .seconds(1)
    public static let maximum: Duration = .seconds(60)
    /// How long a worker must run before a crash no longer counts as "crash looping".
    public static let healthyAfter: Duration = .seconds(60)

    private var next: Duration = RestartBackoff.initial

    public init() {}

    /// Returns the delay before the restart that follows a crash of a worker that had been
    /// running for `uptime`, and advances the sequence.
    public mutating func delayAfterCrash(uptime: Duration) -> Duration {
        if uptime >= Self.healthyAfter { next = Self.initial }
        let delay = next
        next = min(next * 2, Self.maximum)
        return delay
    }
}
