import Foundation
import Glibc

/// `<state-dir>/pending/`: refresh results a worker made durable before reporting them
/// (SPEC §1, §6.6). A rotated refresh token exists only upstream and in the response that
/// carried it; this journal is what keeps a crash between "upstream answered" and "store
/// holds it" from losing the token.
///
/// Records are opaque bytes named by request id; writes and removals are durable when they
/// return (temp file, fsync, rename, fsync of the directory — the same discipline as account
/// files). Safe to use from several processes: names are unique per request.
public struct PendingJournal: Sendable {
    public let directory: String
    private var files: AccountDirectory { AccountDirectory(path: directory) }

    public init(directory: String) { self.directory = directory }

    public func write(_ data: Data, id: String) throws(FileStoreError) {
        let staged = try files.stage(data, as: Self.fileName(id))
        try files.commit(staged)
        try files.syncDirectory()
    }

    public func remove(id: String) throws(FileStoreError) {
        if try files.unlinkFile(Self.fileName(id)) { try files.syncDirectory() }
    }

    /// Every record, oldest name first; unreadable ones are skipped (and left in place).
    public func records() throws(FileStoreError) -> [(id: String, data: Data)] {
        try files.listAccountFileNames().sorted().compactMap { name in
            guard case .contents(let data, _) = files.read(name) else { return nil }
            return (String(name.dropLast(5)), data)
        }
    }

    private static func fileName(_ id: String) -> String { id + ".json" }

    // MARK: - The pending lock

    /// Held shared by a worker while a refresh call is in flight, exclusively by a starting
    /// supervisor while it applies the records: it never reads a journal a worker is about
    /// to add to.
    public func lock(exclusive: Bool, waitingAtMost timeout: Duration) -> PendingLock? {
        let path = directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let deadline = ContinuousClock.now + timeout
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        while flock(fd, operation) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                close(fd)
                return nil
            }
            usleep(20_000)
        }
        return PendingLock(fd: fd)
    }
}

/// A held pending lock; released by `release()` or when the process ends.
public final class PendingLock: Sendable {
    private let fd: Int32

    fileprivate init(fd: Int32) { self.fd = fd }

    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
