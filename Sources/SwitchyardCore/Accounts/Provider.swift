/// The upstream services Switchyard pools accounts for. The raw value is the name used
/// everywhere outside the code: config keys, account ids (`<provider>-…`), CLI arguments and
/// JSON. Ordered by raw value so listings are stable.
public enum Provider: String, Codable, Sendable, CaseIterable, Comparable {
    case claude
    case codex
    case gemini

    public static func < (lhs: Provider, rhs: Provider) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
