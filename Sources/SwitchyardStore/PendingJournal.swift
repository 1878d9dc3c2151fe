import Foundation
import Glibc

/// `<state-dir>/pending/`: refresh results a worker made durable before reporting them
/// (SPEC §1, §6.6). A rotated refresh token exists only upstream and in the response that
/// carried it; this journal is what keeps a crash between "upstream answered" and "store
/// holds it" from losing the token.
///
/// Records are opaque bytes named by request id. A write is durable when it returns (temp
/// file, fsync, rename, fsync of the directory — the same discipline as account files);
/// `writeMany` makes a whole batch durable with one file-system flush and one directory
/// fsync. A removal is not synced: a record that reappears after a crash is harmless, since
/// recovery applies a record only while the store still holds the token it consumed, and
/// the store has the newer one before any record is removed. Safe to use from several
/// processes: names are unique per request.
///
/// Spares: a removed record may be kept, zero-filled, under a hidden name (`.spare-…`) and
/// written again as the temp file of a later record. Journaling then allocates no inodes —
/// on ext4 without a journal, each new inode scans past every inode freed in the last ~30 s,
/// which at hundreds of refreshes a second cost more than the writes themselves. Recovery
/// ignores spares (hidden names are not records) and `removeSpares` deletes them.
public struct PendingJournal: Sendable {
    public let directory: String
    private var files: AccountDirectory { AccountDirectory(path: directory) }

    public init(directory: String) { self.directory = directory }

    public func write(_ data: Data, id: String) throws(FileStoreError) {
        var none: [String] = []
        try writeMany([(data, id)], reusing: &none)[0].get()
    }

    /// Writes every record, durably, as one group commit, taking temp files from `spares`
    /// first. The result has one entry per record, in order: a record that could not be
    /// staged fails alone; a failed flush fails every record of the batch (and none of them
    /// is left behind).
    public func writeMany(_ records: [(data: Data, id: String)], reusing spares: inout [String]) -> [Result<Void, FileStoreError>] {
        // One record syncs its own file; a batch shares one file-system flush.
        let single = records.count == 1
        var results = [Result<Void, FileStoreError>](repeating: .success(()), count: records.count)
        var staged: [(index: Int, file: AccountDirectory.StagedFile)] = []
        for (index, record) in records.enumerated() {
            do {
                staged.append((index, try files.stage(record.data, as: Self.fileName(record.id), sync: single, takingFrom: &spares)))
            } catch {
                results[index] = .failure(error)
            }
        }
        if !single {
            do throws(FileStoreError) {
                try files.syncFileSystem()
            } catch {
                for (index, file) in staged {
                    files.discard(file)
                    results[index] = .failure(error)
                }
                return results
            }
        }
        var committed = 0
        for (index, file) in staged {
            do throws(FileStoreError) {
                try files.commit(file)
                committed += 1
            } catch {
                results[index] = .failure(error)
            }
        }
        if committed > 0 {
            do throws(FileStoreError) {
                try files.syncDirectory()
            } catch {
                // Renamed but not known to be durable: not reported as written. A record that
                // survives anyway is dropped or applied by recovery like any other.
                for (index, _) in staged where results[index].isSuccess { results[index] = .failure(error) }
            }
        }
        return results
    }

    /// Removes a record (not synced, see above), keeping its file as `spareName` when one is
    /// given. False when there was no such record.
    @discardableResult
    public func remove(id: String, keepingAs spareName: String? = nil) throws(FileStoreError) -> Bool {
        guard let spareName else { return try files.unlinkFile(Self.fileName(id)) }
        return try files.retire(Self.fileName(id), as: spareName)
    }

    /// The name of a spare: unique per process (`tag`, e.g. the pid) and number.
    public static func spareName(tag: String, number: Int) -> String { AccountDirectory.spareName(tag: tag, number: number) }

    /// Deletes the spares named with `tag`, or every spare when `tag` is nil.
    public func removeSpares(tag: String? = nil) {
        files.removeSpares(tag: tag)
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

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
