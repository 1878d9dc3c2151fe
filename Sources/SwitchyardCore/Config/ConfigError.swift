/// Why a configuration file was rejected.
///
/// Every case names the dotted key (`providers.codex.listen`) and, when the key is written in the
/// file, its line, so `switchyard config check` and a rejected `reload` can point at the fix.
/// Messages never contain a secret: values of key-like settings are never echoed.
public enum ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A key the file format does not define. `key` is the dotted path of the unknown key itself.
    case unknownKey(key: String, line: Int)
    /// The same key twice in one mapping.
    case duplicateKey(key: String, line: Int)
    /// A value of the wrong form. `expected` says what fits; `got` is what was found, already
    /// rendered for humans (a scalar in double quotes, or words like "a mapping").
    case invalidValue(key: String, line: Int, expected: String, got: String)
    /// Values that are well formed but contradict each other or the platform. `line` is nil when
    /// the offending value is a default that the file does not spell out.
    case invalidSetting(key: String, line: Int?, reason: String)
    /// The text is not YAML. Line and column are 1-based.
    case syntax(line: Int, column: Int, problem: String)
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownKey(key, line):
            "\(key) (line \(line)): unknown key"
        case let .duplicateKey(key, line):
            "\(key) (line \(line)): duplicate key"
        case let .invalidValue(key, line, expected, got):
            "\(key) (line \(line)): expected \(expected), got \(got)"
        case let .invalidSetting(key, line?, reason):
            "\(key) (line \(line)): \(reason)"
        case let .invalidSetting(key, nil, reason):
            "\(key): \(reason)"
        case let .syntax(line, column, problem):
            "line \(line), column \(column): YAML syntax error: \(problem)"
        case let .unreadable(path, reason):
            "cannot read config file \(path): \(reason)"
        }
    }
}
