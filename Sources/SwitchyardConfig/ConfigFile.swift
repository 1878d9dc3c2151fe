import Foundation
import SwitchyardCore

/// The configuration file on disk: reading it, and finding it (SPEC §2, §3).
///
/// All checking is `ConfigParser`'s; this type only reads bytes and YAML. A config is read at
/// start, on SIGHUP and on `reload`, never per request, so simplicity wins over speed here.
public enum ConfigFile {
    /// Reads and validates the file at `path`; relative paths inside resolve against its folder.
    /// Errors: `.unreadable` (missing, a directory, no permission, not UTF-8), `.syntax` (with
    /// line and column), or any `ConfigParser` error.
    public static func load(path: String) throws(ConfigError) -> SwitchyardConfig {
        let absolute = ConfigPath.resolve(path, against: FileManager.default.currentDirectoryPath)
        let text = try read(absolute)
        return try parse(yaml: text, configDirectory: ConfigPath.directory(of: absolute))
    }

    /// Parses YAML text as a config file living in `configDirectory` (absolute).
    public static func parse(yaml: String, configDirectory: String) throws(ConfigError) -> SwitchyardConfig {
        let root = try YAMLTree.compose(yaml)
        return try ConfigParser.parse(root, configDirectory: configDirectory)
    }

    private static func read(_ path: String) throws(ConfigError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.isReadableFile(atPath: path) ? "read failed" : "permission denied"
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }
}
