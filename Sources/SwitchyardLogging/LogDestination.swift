import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where log lines go: always file descriptor 2, which is either the terminal (foreground),
/// the journal (systemd) or the log file (`--daemon`). Reopening the file swaps what fd 2
/// points at with `dup2`, atomically for every thread and without any lock on the write path.
public enum LogDestination {
    /// Writes one whole line with one `write(2)`; a short write is retried, an error dropped
    /// (a full disk must not take the daemon down).
    public static func write(_ line: String) {
        var line = line
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Opens (creating with mode 0600) `path` for appending and makes it standard error.
    /// Returns the errno text on failure and leaves fd 2 unchanged.
    @discardableResult
    public static func redirect(toFile path: String) -> String? {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        guard dup2(fd, 2) >= 0 else { return String(cString: strerror(errno)) }
        return nil
    }

    /// Installs `LineLogHandler` as the process-wide logging backend. Call once, early.
    public static func bootstrap(level: Logger.Level, format: LineLogHandler.Format) {
        configure(level: level, format: format)
        LoggingSystem.bootstrap { label in LineLogHandler(label: label) }
    }

    /// Applies `log.level` and `log.format` to every logger, existing ones included.
    public static func configure(level: Logger.Level, format: LineLogHandler.Format) {
        LogSettings.shared.update(level: level, format: format)
    }
}

/// Level and format chosen by the config.
final class LogSettings: Sendable {
    static let shared = LogSettings()
    private let state = Mutex<(level: Logger.Level, format: LineLogHandler.Format)>((.info, .text))

    var current: (level: Logger.Level, format: LineLogHandler.Format) {
        state.withLock { $0 }
    }

    func update(level: Logger.Level, format: LineLogHandler.Format) {
        state.withLock { $0 = (level, format) }
    }
}
