extension Int64 {
    /// `self + other`, saturating at the bounds instead of trapping: the operands can come
    /// from upstream answers and account files, which are not trusted to be sane.
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self − other`, saturating like `addingClamped`.
    func subtractingClamped(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}

extension Duration {
    /// Whole seconds, rounded up, never negative. Rounding up keeps a "at least this long"
    /// rule (refresh lead, quota interval) at least that long.
    var secondsRoundedUp: Int64 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds.addingClamped(1) : seconds
    }

    /// Whole milliseconds, rounded up, never negative (burst spacing is "at least").
    var millisecondsRoundedUp: Int64 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        guard !overflow else { return .max }
        let fraction = attoseconds / perMillisecond + (attoseconds % perMillisecond > 0 ? 1 : 0)
        return whole.addingClamped(fraction)
    }
}
