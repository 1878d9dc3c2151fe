import Foundation

/// Reads the HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfterHeader {
    /// Longest wait accepted from an upstream. A larger value is taken as this: an absurd
    /// header must not park an account for years, and a week covers the longest real
    /// window (Claude's and Codex's weekly limits).
    static let ceiling: Duration = .seconds(7 * 24 * 3600)

    /// The wait `value` asks for at `now` (Unix seconds); nil when unreadable or negative.
    /// A date in the past is a zero wait.
    static func parse(_ value: String, now: Int64) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return min(.seconds(min(seconds, 1e9)), ceiling)
        }
        guard let date = parseIMFFixdate(text) else { return nil }
        return min(.seconds(max(0, date - now)), ceiling)
    }

    /// The wait in whole seconds, rounded up — both forms, delay-seconds ("1.5" too) and an
    /// HTTP date — for a worker's report to the supervisor, whose protocol carries an integer.
    public static func wholeSeconds(_ value: String, now: Int64) -> Int? {
        parse(value, now: now).map { wait in
            let (seconds, attoseconds) = wait.components
            return Int(seconds) + (attoseconds > 0 ? 1 : 0)
        }
    }

    /// Unix seconds of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`; nil otherwise.
    /// (The obsolete RFC 850 and asctime forms are not produced by any provider here.)
    static func parseIMFFixdate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT",
            let day = Int64(parts[1]), (1...31).contains(day),
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int64(parts[3]), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1]),
            let second = Int64(clock[2]), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: Int64(month) + 1, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
