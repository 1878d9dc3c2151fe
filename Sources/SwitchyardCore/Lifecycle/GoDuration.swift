/// Durations as Go's `time.Duration.String()` writes them, which is how Google's error
/// details carry `quotaResetDelay` ("3h2m", "1h0m0s") and RetryInfo's `retryDelay`
/// ("10.5s", "1.5ms") — see PROVIDERS.md.
///
/// Differs from the config file's `ConfigDuration` on purpose: upstream text also uses `ns`,
/// `us`/`µs` and a bare `0`, and an unreadable value must give nil (the classifier then
/// falls back to its default delay) rather than a config error.
public enum GoDuration {
    /// Parses one or more number+unit pairs (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`),
    /// fractions allowed, or a bare `0`. Nil for anything else, for a negative value, or for
    /// a value beyond `Int64.max` nanoseconds (≈292 years). Digits finer than a nanosecond
    /// are dropped.
    public static func parse(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        if scalars.count == 1, scalars[0] == "0" { return .zero }
        guard !scalars.isEmpty else { return nil }
        var index = 0
        var total: Int128 = 0
        while index < scalars.count {
            guard let (nanos, next) = parsePair(scalars, from: index) else { return nil }
            total += nanos
            guard total <= Int128(Int64.max) else { return nil }
            index = next
        }
        return .nanoseconds(Int64(total))
    }

    /// One number+unit pair starting at `start`: its length in nanoseconds and the index after it.
    private static func parsePair(_ scalars: [Unicode.Scalar], from start: Int) -> (Int128, Int)? {
        var index = start
        var whole: Int128 = 0
        var wholeDigits = 0
        while index < scalars.count, let digit = digitValue(scalars[index]) {
            // 19 digits already exceed Int64.max nanoseconds in any unit: stop before Int128 could overflow.
            guard wholeDigits < 20 else { return nil }
            whole = whole * 10 + Int128(digit)
            wholeDigits += 1
            index += 1
        }
        var fraction: Int128 = 0
        var scale: Int128 = 1
        var fractionDigits = 0
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while index < scalars.count, let digit = digitValue(scalars[index]) {
                if fractionDigits < 18 {
                    fraction = fraction * 10 + Int128(digit)
                    scale *= 10
                }
                fractionDigits += 1
                index += 1
            }
        }
        guard wholeDigits + fractionDigits > 0,
            let (unit, next) = readUnit(scalars, at: index)
        else { return nil }
        return (whole * unit + fraction * unit / scale, next)
    }

    /// The unit at `index` in nanoseconds and the index after it; two-letter units first.
    private static func readUnit(_ scalars: [Unicode.Scalar], at index: Int) -> (Int128, Int)? {
        guard index < scalars.count else { return nil }
        let second: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch (scalars[index], second) {
        case ("n", "s"): return (1, index + 2)
        case ("u", "s"), ("\u{00B5}", "s"), ("\u{03BC}", "s"): return (1_000, index + 2)
        case ("m", "s"): return (1_000_000, index + 2)
        case ("s", _): return (1_000_000_000, index + 1)
        case ("m", _): return (60_000_000_000, index + 1)
        case ("h", _): return (3_600_000_000_000, index + 1)
        default: return nil
        }
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.value >= 48, scalar.value <= 57 else { return nil }
        return Int(scalar.value - 48)
    }
}
