/// Reads one mapping of a `ConfigNode` tree for `ConfigParser`.
///
/// Creating a reader checks the mapping's keys (unknown and duplicate keys are errors, reported
/// in document order), so a typo is caught even in a section whose values are all defaults.
/// Every getter falls back to its default when the key is absent or written empty (`key:` / `~`),
/// and turns a bad value into a `ConfigError` naming the dotted key and its line.
struct ConfigMappingReader {
    /// Dotted path of this mapping; empty at the top level.
    let path: String
    private let entries: [String: (value: ConfigNode, line: Int)]
    /// Keys in document order.
    private let keys: [String]

    /// `allowed` nil accepts any key (for free-form mappings such as `headers`).
    init(_ node: ConfigNode?, path: String, line: Int, allowed: Set<String>?) throws(ConfigError) {
        self.path = path
        var entries: [String: (value: ConfigNode, line: Int)] = [:]
        var keys: [String] = []
        switch node {
        case nil, .null:
            break
        case .mapping(let pairs)?:
            for pair in pairs {
                let key = path.isEmpty ? pair.key : path + "." + pair.key
                guard allowed?.contains(pair.key) ?? true else { throw .unknownKey(key: key, line: pair.line) }
                guard entries[pair.key] == nil else { throw .duplicateKey(key: key, line: pair.line) }
                entries[pair.key] = (pair.value, pair.line)
                keys.append(pair.key)
            }
        case let other?:
            throw .invalidValue(key: path.isEmpty ? "(top level)" : path, line: other.line ?? line,
                                expected: "a mapping", got: other.kindDescription)
        }
        self.entries = entries
        self.keys = keys
    }

    /// The dotted path of `name` in this mapping.
    func dotted(_ name: String) -> String {
        path.isEmpty ? name : path + "." + name
    }

    /// The line where `name` is written, if it is.
    func line(of name: String) -> Int? {
        entries[name]?.line
    }

    /// The scalar text of `name`, or nil when absent or empty. A list or mapping is an error.
    func scalar(_ name: String, expected: String) throws(ConfigError) -> (text: String, line: Int)? {
        guard let entry = entries[name] else { return nil }
        switch entry.value {
        case .null: return nil
        case .scalar(let text, _): return (text, entry.line)
        case let other: throw .invalidValue(key: dotted(name), line: entry.line, expected: expected,
                                            got: other.kindDescription)
        }
    }

    /// The value of `name` read by `parse`, `fallback` when absent. `expected` words the error.
    func value<T>(_ name: String, _ fallback: T, expected: String, _ parse: (String) -> T?) throws(ConfigError) -> T {
        guard let (text, line) = try scalar(name, expected: expected) else { return fallback }
        guard let value = parse(text) else {
            throw .invalidValue(key: dotted(name), line: line, expected: expected, got: "\"\(text)\"")
        }
        return value
    }

    /// The nested mapping `name` (empty when absent), checked against `allowed`.
    func section(_ name: String, allowed: Set<String>) throws(ConfigError) -> ConfigMappingReader {
        let entry = entries[name]
        return try ConfigMappingReader(entry?.value, path: dotted(name), line: entry?.line ?? 0, allowed: allowed)
    }

    /// A list of non-empty strings; `fallback` when absent.
    func strings(_ name: String, _ fallback: [String]) throws(ConfigError) -> [String] {
        guard let entry = entries[name] else { return fallback }
        let expected = "a list of non-empty strings"
        switch entry.value {
        case .null:
            return fallback
        case .sequence(let items, _):
            var result: [String] = []
            for item in items {
                guard case .scalar(let text, _) = item, !text.isEmpty else {
                    throw .invalidValue(key: dotted(name), line: item.line ?? entry.line, expected: expected,
                                        got: item.kindDescription)
                }
                result.append(text)
            }
            return result
        case let other:
            throw .invalidValue(key: dotted(name), line: entry.line, expected: expected, got: other.kindDescription)
        }
    }

    /// A mapping of string to string (e.g. headers); `fallback` when absent. Values are checked by
    /// `validValue`, and never echoed in errors since they may hold credentials.
    func stringMap(
        _ name: String, _ fallback: [String: String], validKey: (String) -> Bool, validValue: (String) -> Bool
    ) throws(ConfigError) -> [String: String] {
        guard entries[name] != nil else { return fallback }
        let reader = try ConfigMappingReader(entries[name]?.value, path: dotted(name), line: entries[name]?.line ?? 0,
                                       allowed: nil)
        return try reader.allScalars(validKey: validKey, validValue: validValue)
    }

    private func allScalars(validKey: (String) -> Bool, validValue: (String) -> Bool) throws(ConfigError) -> [String: String] {
        var result: [String: String] = [:]
        for key in keys {
            guard let entry = entries[key] else { continue }
            guard validKey(key) else {
                throw .invalidSetting(key: dotted(key), line: entry.line, reason: "not a valid name here")
            }
            guard case .scalar(let text, _) = entry.value else {
                throw .invalidValue(key: dotted(key), line: entry.line, expected: "a string",
                                    got: entry.value.kindDescription)
            }
            guard validValue(text) else {
                throw .invalidSetting(key: dotted(key), line: entry.line, reason: "value contains a line break or control character")
            }
            result[key] = text
        }
        return result
    }
}
