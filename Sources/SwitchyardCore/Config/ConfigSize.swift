/// Byte sizes as the config file writes them: a whole number of bytes, optionally with a binary
/// unit `KiB`, `MiB` or `GiB` (`32MiB`, `512KiB`, `1048576`).
///
/// Decimal units (`MB`) are rejected rather than guessed: whether `MB` means 10^6 or 2^20 depends
/// on who wrote it.
public enum ConfigSize {
    private static let units: [(suffix: String, bytes: Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
    ]

    /// The size in bytes, or nil when `text` is not a size (empty, fractional, negative, unknown
    /// unit, or beyond `Int.max`).
    public static func parse(_ text: String) -> Int? {
        var number = Substring(text)
        var multiplier = 1
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            number = number.dropLast(unit.suffix.count)
            multiplier = unit.bytes
        }
        guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(number)
        else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }

    /// The largest exact unit: `33554432` → `32MiB`, `1000` → `1000`.
    public static func format(_ bytes: Int) -> String {
        for unit in units.reversed() where bytes != 0 && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return String(bytes)
    }
}
