import Foundation

/// Time values in the spellings the providers use.
enum TimeText {
    /// `2026-01-01T12:00:00Z`, as Claude's `resets_at` and Google's `resetTime`.
    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `now + seconds` as Unix seconds.
    static func unix(in seconds: Int) -> Int {
        Int(Date().timeIntervalSince1970) + seconds
    }

    /// Go's `time.Duration.String()` for whole and fractional seconds: `3h2m0s`, `1m30s`,
    /// `10.5s`, `0s`. Google's `quotaResetDelay` uses it.
    static func goDuration(seconds: Double) -> String {
        guard seconds > 0 else { return "0s" }
        let hours = Int(seconds / 3600)
        let minutes = Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)
        let rest = seconds - Double(hours * 3600 + minutes * 60)
        let secondsText = rest.rounded() == rest ? "\(Int(rest))s" : "\(trimmed(rest))s"
        if hours > 0 { return "\(hours)h\(minutes)m\(secondsText)" }
        if minutes > 0 { return "\(minutes)m\(secondsText)" }
        return secondsText
    }

    /// Google's protobuf Duration JSON spelling for `RetryInfo.retryDelay`: `10.5s`.
    static func protoDuration(seconds: Double) -> String {
        seconds.rounded() == seconds ? "\(Int(seconds))s" : "\(trimmed(seconds))s"
    }

    private static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Parses the CLI's latency spelling: `0`, `250ms`, `1s`, `1.5s`.
    static func parseLatency(_ text: String) -> Duration? {
        let trimmedText = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, scale): (Substring, Double) =
            if trimmedText.hasSuffix("ms") { (trimmedText.dropLast(2), 1) }
            else if trimmedText.hasSuffix("s") { (trimmedText.dropLast(1), 1000) }
            else { (Substring(trimmedText), 1) }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        return .microseconds(Int64((value * scale * 1000).rounded()))
    }
}
