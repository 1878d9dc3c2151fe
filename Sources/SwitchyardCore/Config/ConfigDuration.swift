/// Durations as the config file writes them: one or more number+unit pairs (`250ms`, `1.5s`,
/// `1h30m`, `2m30s`), units `ms`, `s`, `m`, `h`, and a bare `0` for zero.
///
/// A number without a unit is rejected on purpose: `timeout: 30` is ambiguous (seconds? ms?) and
/// a silent guess is the kind of mistake that surfaces only in production.
public enum ConfigDuration {
    private static let nanosPerSecond: Int128 = 1_000_000_000

    /// Parses `text`; nil when it is not a duration (empty, no unit, unknown unit, negative, or
    /// beyond ±292 years). Fractions are exact to the nanosecond; finer digits are dropped.
    public static func parse(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var index = 0
        var total: Int128 = 0
        while index < bytes.count {
            guard let (nanos, next) = parsePair(bytes, from: index) else { return nil }
            total += nanos
            guard total <= Int128(Int64.max) else { return nil }
            index = next
        }
        return .nanoseconds(Int64(total))
    }

    /// One number+unit pair starting at `start`: its length in nanoseconds and the index after it.
    private static func parsePair(_ bytes: [UInt8], from start: Int) -> (Int128, Int)? {
        var index = start
        guard let whole = readDigits(bytes, &index, limit: 19) else { return nil }
        var fraction: Int128 = 0
        var fractionScale: Int128 = 1
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                // Digits past the ninth cannot change a nanosecond count: drop them.
                if index - digitsStart < 9 {
                    fraction = fraction * 10 + Int128(bytes[index] - UInt8(ascii: "0"))
                    fractionScale *= 10
                }
                index += 1
            }
            guard index > digitsStart else { return nil }
        }
        guard let (unit, next) = readUnit(bytes, at: index) else { return nil }
        let nanos = whole.value * unit + fraction * unit / fractionScale
        return (nanos, next)
    }

    private static func readDigits(_ bytes: [UInt8], _ index: inout Int, limit: Int) -> (value: Int128, count: Int)? {
        let start = index
        var value: Int128 = 0
        while index < bytes.count, isDigit(bytes[index]) {
            guard index - start < limit else { return nil }
            value = value * 10 + Int128(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        return index > start ? (value, index - start) : nil
    }

    /// The unit at `index` in nanoseconds, and the index after it. `ms` is tried before `m`.
    private static func readUnit(_ bytes: [UInt8], at index: Int) -> (Int128, Int)? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "m"):
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "s") {
                return (1_000_000, index + 2)
            }
            return (60 * nanosPerSecond, index + 1)
        case UInt8(ascii: "s"): return (nanosPerSecond, index + 1)
        case UInt8(ascii: "h"): return (3600 * nanosPerSecond, index + 1)
        default: return nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Writes `duration` the way the config file does, so messages echo values in the user's terms
    /// (`1h30m`, `1.5s`, `250ms`, `0s`). `parse(format(d)) == d` for every non-negative `d` whole in
    /// nanoseconds.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanos = Int128(seconds) * nanosPerSecond + Int128(attoseconds / 1_000_000_000)
        guard nanos > 0 else { return nanos == 0 ? "0s" : "-" + format(.nanoseconds(Int64(-nanos))) }
        var text = ""
        let hour = 3600 * nanosPerSecond, minute = 60 * nanosPerSecond
        if nanos >= hour { text += "\(nanos / hour)h"; nanos %= hour }
        if nanos >= minute { text += "\(nanos / minute)m"; nanos %= minute }
        guard nanos > 0 else { return text }
        if nanos % nanosPerSecond == 0 {
            text += "\(nanos / nanosPerSecond)s"
        } else if text.isEmpty, nanos < nanosPerSecond, nanos % 1_000_000 == 0 {
            text += "\(nanos / 1_000_000)ms"
        } else {
            var digits = String(nanos % nanosPerSecond)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "\(nanos / nanosPerSecond).\(digits)s"
        }
        return text
    }
}
