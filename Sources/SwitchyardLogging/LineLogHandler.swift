import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The one log format of every Switchyard process: one line per event on standard error.
///
/// Lines go straight to file descriptor 2 with a single `write(2)` each, so lines from the
/// supervisor and its workers (which share the descriptor) never interleave mid-line, and a
/// reopened log file (SIGUSR1, `LogDestination.reopen`) is picked up by the next line.
/// Callers never pass tokens: there is no redaction pass here, by design — a token must not
/// reach a log call at all.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    /// Read from the process-wide settings on every check, so a reload that changes
    /// `log.level` applies to loggers that already exist. Setting it is ignored.
    public var logLevel: Logger.Level {
        get { LogSettings.shared.current.level }
        set {}
    }
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line: String
        switch LogSettings.shared.current.format {
        case .text: line = Self.textLine(label: label, event: event, metadata: merged)
        case .json: line = Self.jsonLine(label: label, event: event, metadata: merged)
        }
        LogDestination.write(line)
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = now.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, millis)
    }

    static func textLine(label: String, event: LogEvent, metadata: Logger.Metadata) -> String {
        var line = "\(timestamp()) \(event.level.rawValue.uppercased()) \(label): \(event.message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        return line + "\n"
    }

    static func jsonLine(label: String, event: LogEvent, metadata: Logger.Metadata) -> String {
        var object: [String: String] = [
            "time": timestamp(), "level": event.level.rawValue, "logger": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata where object[key] == nil { object[key] = value.description }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return (String(data: data, encoding: .utf8) ?? "{}") + "\n"
    }
}

extension Logger.Level {
    /// Parses the config's level names (`warning`, `info`, …).
    public init?(configName: String) { self.init(rawValue: configName) }
}
