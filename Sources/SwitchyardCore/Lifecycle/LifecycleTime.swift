/// Whole-second arithmetic on Unix times, for the lifecycle's deadlines.
enum LifecycleTime {
    /// `duration` in whole seconds, rounded up: a wait of 10.5 s must not end after 10 s.
    /// Negative durations count as zero.
    static func seconds(roundingUp duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, !(seconds == 0 && attoseconds <= 0) else { return 0 }
        return attoseconds > 0 ? seconds + 1 : seconds
    }

    /// `now + duration`, rounded up to a whole second, saturating instead of overflowing.
    static func adding(_ duration: Duration, to now: Int64) -> Int64 {
        let (sum, overflow) = now.addingReportingOverflow(seconds(roundingUp: duration))
        return overflow ? Int64.max : sum
    }
}
