import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files a supervisor keeps in `<state-dir>` (SPEC §1) and the lock that makes it the only one.
public struct StateDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var lockFile: String { path + "/switchyard.lock" }
    public var pidFile: String { path + "/switchyard.pid" }
    public var controlSocket: String { path + "/control.sock" }
    public var workersSocket: String { path + "/workers.sock" }
    public var pendingDirectory: String { path + "/pending" }
    public var logFile: String { path + "/switchyard.log" }

    /// The pid in the pid file, if there is one and that process is alive.
    public func runningPID() -> Int32? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              kill(pid, 0) == 0 || errno == EPERM
        else { return nil }
        return pid
    }

    /// True while some process holds the supervisor lock. A stale pid file alone never
    /// counts: the kernel drops the lock when its holder dies, however it died.
    public func isLocked() -> Bool {
        let fd = open(lockFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}

/// Errors of setting up the state directory; each reads as a one-line reason.
public enum StateDirectoryError: Error, CustomStringConvertible, Equatable {
    case cannotCreate(String, String)
    case alreadyRunning(pid: Int32?)
    case lockFailed(String)
    case unsafePermissions(String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "cannot create \(path): \(reason)"
        case .alreadyRunning(let pid?): return "already running (pid \(pid))"
        case .alreadyRunning(nil): return "already running"
        case .lockFailed(let reason): return "cannot lock the state directory: \(reason)"
        case .unsafePermissions(let path): return "\(path) is readable or writable by other users; chmod 700 it"
        }
    }
}

/// The held supervisor lock. The descriptor stays open (close-on-exec, so no worker inherits
/// it) for the life of the process; the kernel releases it on exit or crash.
public final class SupervisorLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes `<state-dir>/switchyard.lock` exclusively, without waiting. Must come before any
    /// socket or pid file is touched: that is what keeps a second supervisor from deleting a
    /// live one's sockets.
    public static func acquire(_ directory: StateDirectory) throws(StateDirectoryError) -> SupervisorLock {
        try makeDirectory(directory.path)
        let fd = open(directory.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .lockFailed(String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            close(fd)
            if busy { throw .alreadyRunning(pid: directory.runningPID()) }
            throw .lockFailed(String(cString: strerror(errno)))
        }
        return SupervisorLock(fd: fd)
    }

    /// Writes the pid file atomically.
    public func writePIDFile(_ directory: StateDirectory) throws(StateDirectoryError) {
        let temp = directory.pidFile + ".tmp"
        let text = "\(getpid())\n"
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
              rename(temp, directory.pidFile) == 0
        else { throw .cannotCreate(directory.pidFile, String(cString: strerror(errno))) }
    }
}

/// `mkdir -p` with mode 0700 for every level it creates.
public func makeDirectory(_ path: String) throws(StateDirectoryError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw .cannotCreate(path, "exists and is not a directory") }
        return
    }
    do {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw .cannotCreate(path, "\(error.localizedDescription)")
    }
}
