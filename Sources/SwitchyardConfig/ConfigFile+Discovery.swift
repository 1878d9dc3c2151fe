import Foundation
import SwitchyardCore

extension ConfigFile {
    /// The environment variable naming the config file when `--config` is not given.
    public static let environmentVariable = "SWITCHYARD_CONFIG"
    /// The config file's place relative to the current directory when nothing names it.
    public static let defaultRelativePath = "etc/switchyard.yaml"
    /// `state-dir` when the file does not set it, relative to the config file's folder.
    public static let defaultStateDir = "../var"

    /// The config file to use (SPEC §2): `explicit` (`--config`), else `$SWITCHYARD_CONFIG` when
    /// non-empty, else `etc/switchyard.yaml`; relative paths resolve against `currentDirectory`.
    /// The result is absolute; whether the file exists is `load`'s concern.
    public static func locate(explicit: String?, environment: [String: String], currentDirectory: String) -> String {
        let chosen = [explicit, environment[environmentVariable]]
            .compactMap { $0 }
            .first { !$0.isEmpty } ?? defaultRelativePath
        return ConfigPath.resolve(chosen, against: currentDirectory)
    }

    /// The state-dir the CLI uses to find a running supervisor (SPEC §2), read from the top-level
    /// `state-dir:` line as text, so it works when the rest of the file is invalid or no longer
    /// parses (e.g. after a rejected reload). Quotes and a trailing comment are stripped; an
    /// unreadable file, or no such line, gives the default `../var`. The result is absolute,
    /// resolved against the config file's folder, exactly as `load` would resolve it.
    public static func sniffStateDir(configPath: String) -> String {
        let absolute = ConfigPath.resolve(configPath, against: FileManager.default.currentDirectoryPath)
        let folder = ConfigPath.directory(of: absolute)
        let text = (try? Data(contentsOf: URL(fileURLWithPath: absolute))).map { String(decoding: $0, as: UTF8.self) }
        let value = text.flatMap(stateDirValue(in:)) ?? defaultStateDir
        return ConfigPath.resolve(value, against: folder)
    }

    /// The value of the first unindented `state-dir:` line, or nil when there is none or it is
    /// empty (`state-dir:`, `~`, `null`, `""`: the parser's default too).
    static func stateDirValue(in text: String) -> String? {
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            guard rawLine.hasPrefix("state-dir:") else { continue }
            let value = scalarValue(rawLine.dropFirst("state-dir:".count))
            guard let value, !["", "~", "null", "Null", "NULL"].contains(value) else { return nil }
            return value
        }
        return nil
    }

    /// A one-line YAML scalar: quotes removed (with `''` and `\"` unescaped), or a plain value
    /// with its ` #` comment cut off. Nil when a quote is left open.
    private static func scalarValue(_ raw: Substring) -> String? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("'") {
            var rest = Substring(text.dropFirst()), value = ""
            while let quote = rest.firstIndex(of: "'") {
                value += rest[..<quote]
                rest = rest[rest.index(after: quote)...]
                guard rest.hasPrefix("'") else { return value }
                value += "'"
                rest = rest.dropFirst()
            }
            return nil
        }
        if text.hasPrefix("\"") {
            var value = "", escaped = false
            for character in text.dropFirst() {
                if escaped { value.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == "\"" { return value }
                else { value.append(character) }
            }
            return nil
        }
        // A comment starts at a `#` that begins the value or follows a blank.
        var end = text.endIndex
        var previous: Character = " "
        for index in text.indices {
            if text[index] == "#", previous == " " || previous == "\t" { end = index; break }
            previous = text[index]
        }
        return text[..<end].trimmingCharacters(in: .whitespaces)
    }
}
