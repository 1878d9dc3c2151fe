/// Reads the RFC 3339 profile of ISO 8601 that the providers send for reset times:
/// `2026-01-02T19:59:59.600956+00:00` (Claude), `2025-10-22T16:01:15Z` (Google), fractions of
/// any length, `Z` or a `±HH:MM` / `±HHMM` / `±HH` offset; `T`, `t` or a space between date and time.
///
/// Hand-written rather than `ISO8601DateFormatter`: that class is not `Sendable`, needs an
/// option set per fraction style, and a pure parser is easy to pin down by tests.
public enum ISO8601Timestamp {
    /// Unix seconds, or nil for anything that is not a valid timestamp of that form. A
    /// fractional second rounds **up**: a reset time read early would end a cooldown before
    /// the upstream's window has reset.
    public static func unixSeconds(_ text: String) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skipAny(["T", "t", " "]),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var roundUp: Int64 = 0
        if scanner.skip(".") {
            guard let fraction = scanner.digitRun(), !fraction.isEmpty else { return nil }
            if fraction.contains(where: { $0 != UInt8(ascii: "0") }) { roundUp = 1 }
        }
        guard let offset = scanner.zoneOffsetSeconds(), scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3_600 + minute * 60 + second + roundUp - offset
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A cursor over ASCII bytes for the fixed-width fields of a timestamp.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func skipAny(_ characters: [Unicode.Scalar]) -> Bool {
        characters.contains { skip($0) }
    }

    /// Exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// The digits from here on (possibly none).
    mutating func digitRun() -> ArraySlice<UInt8>? {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
        }
        return bytes[start..<index]
    }

    /// `Z`/`z` → 0, `±HH[:MM]` or `±HHMM` → signed seconds east of UTC; nil when malformed.
    mutating func zoneOffsetSeconds() -> Int64? {
        if skip("Z") || skip("z") { return 0 }
        let sign: Int64
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2), hours < 24 else { return nil }
        var minutes: Int64 = 0
        if skip(":") {
            guard let value = number(digits: 2) else { return nil }
            minutes = value
        } else if !atEnd {
            guard let value = number(digits: 2) else { return nil }
            minutes = value
        }
        guard minutes < 60 else { return nil }
        return sign * (hours * 3_600 + minutes * 60)
    }
}
