/// The delay before retrying after the n-th consecutive failure: `initial` doubling up to
/// `max`, then spread by ±20% (SPEC §3 `refresh-backoff`, `quota-backoff`).
///
/// The jitter keeps accounts that failed together (an upstream outage, a burst of 429s) from
/// retrying together. It is applied after the cap, so a capped step lands in
/// 0.8 × max … 1.2 × max rather than piling up on `max`. The generator is injected: the
/// schedulers pass the system one, tests a seeded one.
public struct JitteredBackoff: Sendable, Equatable {
    /// ±20%.
    public static let jitter = 0.2

    public var initial: Duration
    public var max: Duration

    /// `max` below `initial` is raised to `initial`; negative values count as zero.
    public init(initial: Duration, max: Duration) {
        self.initial = Swift.max(initial, .zero)
        self.max = Swift.max(max, self.initial)
    }

    /// The step before jitter: `initial × 2^step`, capped at `max`. Step 0 is the delay
    /// after the first failure; a negative step counts as 0.
    public func base(step: Int) -> Duration {
        var delay = initial
        var remaining = Swift.max(step, 0)
        while remaining > 0, delay < max {
            delay *= 2
            remaining -= 1
        }
        return Swift.min(delay, max)
    }

    /// `base(step:)` times a factor drawn uniformly from 0.8…1.2, to the nanosecond.
    public func delay<Generator: RandomNumberGenerator>(step: Int, using generator: inout Generator) -> Duration {
        let factor = Double.random(in: (1 - Self.jitter)...(1 + Self.jitter), using: &generator)
        let (seconds, attoseconds) = base(step: step).components
        let nanoseconds = (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) * factor
        return .nanoseconds(Int64(Swift.min(nanoseconds, Double(Int64.max / 2))))
    }

    /// As `delay(step:using:)` with the system generator.
    public func delay(step: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(step: step, using: &generator)
    }

    /// An upstream's `Retry-After`, bounded: honoured, but never so short that a burst of
    /// 429s turns into a retry storm, nor so long that one header parks an account for
    /// hours. The defaults are SPEC §6.2's refresh bounds, 5 s–5 min.
    public static func retryAfterClamp(
        _ retryAfter: Duration, floor: Duration = .seconds(5), ceiling: Duration = .seconds(300)
    ) -> Duration {
        Swift.min(Swift.max(retryAfter, floor), Swift.max(ceiling, floor))
    }
}
