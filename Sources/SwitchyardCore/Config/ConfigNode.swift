/// A configuration document as a plain tree, independent of any YAML library.
///
/// The file side (`SwitchyardConfig.ConfigFile`) builds it from YAML; `ConfigParser` turns it into
/// a typed `SwitchyardConfig`. Scalars keep their source text untouched (no YAML type guessing:
/// `no` stays the string "no", `0755` stays "0755"), so each key decides how to read its value.
/// Lines are 1-based source lines, used in every error message.
public indirect enum ConfigNode: Sendable, Equatable {
    /// A scalar value exactly as written (quotes removed).
    case scalar(String, line: Int)
    /// Key/value pairs in document order; `line` is the line of the key.
    case mapping([(key: String, value: ConfigNode, line: Int)])
    /// A list of values.
    case sequence([ConfigNode], line: Int)
    /// An explicit empty value (`key:`, `~`, `null`). Treated like an absent key.
    case null(line: Int)

    /// The line where this node starts, or nil for an empty mapping (which has no position).
    public var line: Int? {
        switch self {
        case .scalar(_, let line), .sequence(_, let line), .null(let line): line
        case .mapping(let entries): entries.first?.line
        }
    }

    /// Words for error messages: what was found where something else was expected.
    var kindDescription: String {
        switch self {
        case .scalar(let text, _): "\"\(text)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .null: "an empty value"
        }
    }

    public static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, la), .scalar(b, lb)):
            return a == b && la == lb
        case let (.sequence(a, la), .sequence(b, lb)):
            return a == b && la == lb
        case let (.null(la), .null(lb)):
            return la == lb
        case let (.mapping(a), .mapping(b)):
            guard a.count == b.count else { return false }
            return zip(a, b).allSatisfy { $0.key == $1.key && $0.line == $1.line && $0.value == $1.value }
        default:
            return false
        }
    }
}
