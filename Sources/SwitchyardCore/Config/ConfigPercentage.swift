/// Fractions as the config file writes them: `50%` or `0.5`, both meaning one half.
///
/// A bare number above 1 (`50`) is rejected rather than read as a percent, so a forgotten `%`
/// cannot silently mean "50 times".
public enum ConfigPercentage {
    /// The fraction in 0...1, or nil when `text` is not a percentage in range.
    public static func parse(_ text: String) -> Double? {
        let isPercent = text.hasSuffix("%")
        let number = isPercent ? String(text.dropLast()) : text
        // Only plain decimals: Double(_:) would also take "inf", "nan", "0x1p-1" and "1e-1".
        guard isDecimal(number), let value = Double(number) else { return nil }
        let fraction = isPercent ? value / 100 : value
        return (0...1).contains(fraction) ? fraction : nil
    }

    private static func isDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    /// `0.5` → `50%`, `0.125` → `12.5%`.
    public static func format(_ fraction: Double) -> String {
        let percent = fraction * 100
        if percent == percent.rounded() { return "\(Int(percent))%" }
        return "\(percent)%"
    }
}
