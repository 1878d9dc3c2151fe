import Foundation
import Glibc

/// The blocking file-system operations of one accounts-dir, kept apart from the store's
/// bookkeeping. Crash-safety order of a write (SPEC §5): temp file in the same directory
/// (O_EXCL, 0600) → write → fsync → rename over the target → fsync of the directory, so after
/// a crash the target is either the old or the new file, and a returned write is durable.
struct AccountDirectory: Sendable {
    let path: String

    /// Larger files are reported as problems instead of being read: an account file is a
    /// few KiB, and a stray huge `.json` must not make every scan slow.
    static let maximumFileSize = 1 << 20

    enum ReadResult {
        case missing
        case contents(Data, FileFingerprint)
        /// Exists but cannot be used as an account file; `reason` is one line.
        case unusable(reason: String, FileFingerprint?)
    }

    /// A fully written and synced temp file waiting to be renamed over `fileName`.
    struct StagedFile {
        let tempName: String
        let fileName: String
        let fingerprint: FileFingerprint
    }

    func filePath(_ name: String) -> String { path + "/" + name }

    /// `<anything>.json` files only; hidden names (our temp files start with `.`) and names
    /// that are not valid UTF-8 are not account files.
    static func isAccountFileName(_ name: String) -> Bool {
        name.utf8.count > 5 && name.hasSuffix(".json") && !name.hasPrefix(".")
            // Scalar search, not Foundation's substring search: this runs for every file on every scan.
            && !name.unicodeScalars.contains("\u{FFFD}")
    }

    func listAccountFileNames() throws(FileStoreError) -> [String] {
        guard let stream = opendir(path) else {
            throw .systemCall(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw .systemCall(operation: "readdir", path: path, errno: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if Self.isAccountFileName(name) { names.append(name) }
        }
    }

    /// Nil when the file does not exist.
    func fingerprint(of name: String) throws(FileStoreError) -> FileFingerprint? {
        var status = stat()
        guard stat(filePath(name), &status) == 0 else {
            if errno == ENOENT { return nil }
            throw .systemCall(operation: "stat", path: filePath(name), errno: errno)
        }
        return FileFingerprint(status)
    }

    /// Reads a whole file. The fingerprint is taken before reading, so a write racing with
    /// the read leaves a newer fingerprint behind and the next scan reads the file again.
    func read(_ name: String) -> ReadResult {
        // O_NONBLOCK: opening a FIFO that someone named `x.json` must not hang the store.
        let fd = open(filePath(name), O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            return errno == ENOENT ? .missing : .unusable(reason: "cannot open: \(Self.text(errno))", nil)
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return .unusable(reason: "cannot stat: \(Self.text(errno))", nil) }
        let fingerprint = FileFingerprint(status)
        guard status.st_mode & S_IFMT == S_IFREG else {
            return .unusable(reason: "not a regular file", fingerprint)
        }
        guard status.st_size <= Self.maximumFileSize else {
            return .unusable(reason: "larger than \(Self.maximumFileSize >> 20) MiB", fingerprint)
        }
        var data = Data(count: Int(status.st_size))
        var filled = 0
        let failure: Int32? = data.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let count = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { break }  // shrank since fstat: the next scan sees a new fingerprint
                filled += count
            }
            return nil
        }
        if let failure { return .unusable(reason: "cannot read: \(Self.text(failure))", fingerprint) }
        data.count = filled
        return .contents(data, fingerprint)
    }

    /// Writes `data` to a new temp file beside `fileName` and syncs it. Nothing is left
    /// behind when it throws.
    /// With `sync: false` the caller must make the data durable before committing, e.g. with
    /// one `syncFileSystem()` for a whole batch (group commit).
    /// `tempName` must be hidden (start with `.`); by default a random one beside `fileName`.
    func stage(_ data: Data, as fileName: String, sync: Bool = true, tempName: String? = nil) throws(FileStoreError) -> StagedFile {
        let tempName = tempName ?? "." + fileName + ".tmp-" + String(UInt64.random(in: .min ... .max), radix: 16)
        let tempPath = filePath(tempName)
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .systemCall(operation: "open", path: tempPath, errno: errno) }
        do throws(FileStoreError) {
            // The mode is set explicitly: O_CREAT's mode is filtered by whatever umask runs.
            guard fchmod(fd, 0o600) == 0 else { throw .systemCall(operation: "fchmod", path: tempPath, errno: errno) }
            return try fill(fd, tempName: tempName, fileName: fileName, data: data, sync: sync)
        } catch {
            close(fd)
            unlink(tempPath)
            throw error
        }
    }

    /// `stage` into an existing file of this directory (a spare: see `PendingJournalWriter`)
    /// instead of a new one, so that no inode is allocated. Nil when `spareName` no longer
    /// exists; the spare is consumed either way once this returns or throws.
    ///
    /// The spare is overwritten in place and cut to the new length, never emptied first: on
    /// ext4, a file truncated to zero is flushed by its next `close` (`auto_da_alloc`) and its
    /// block is freed and allocated again, which cost more than the write itself.
    func stage(_ data: Data, as fileName: String, reusing spareName: String, sync: Bool) throws(FileStoreError) -> StagedFile? {
        let sparePath = filePath(spareName)
        let fd = open(sparePath, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .systemCall(operation: "open", path: sparePath, errno: errno)
        }
        var status = stat()
        guard fstat(fd, &status) == 0, Self.isPrivate(status) else {
            close(fd)
            unlink(sparePath)
            return nil
        }
        do throws(FileStoreError) {
            // Whatever happened to it since it was kept, the new contents are 0600.
            guard fchmod(fd, 0o600) == 0 else { throw .systemCall(operation: "fchmod", path: sparePath, errno: errno) }
            return try fill(fd, tempName: spareName, fileName: fileName, data: data, sync: sync, trim: true)
        } catch {
            close(fd)
            unlink(sparePath)
            throw error
        }
    }

    // MARK: - Spares

    /// Hidden files kept for reuse as temp files (see `PendingJournal`, `FileAccountStore`):
    /// `.spare-<tag>-<number>`, the tag naming the process that keeps them.
    static let sparePrefix = ".spare-"

    static func spareName(tag: String, number: Int) -> String { sparePrefix + tag + "-" + String(number) }

    /// `stage` into the last of `spares` that still exists (each one tried is consumed), else
    /// into a new file named by `newName` (a random temp name when it gives nil).
    func stage(_ data: Data, as fileName: String, sync: Bool, takingFrom spares: inout [String],
               newName: () -> String? = { nil }) throws(FileStoreError) -> StagedFile {
        while let spare = spares.popLast() {
            if let staged = try stage(data, as: fileName, reusing: spare, sync: sync) { return staged }
        }
        return try stage(data, as: fileName, sync: sync, tempName: newName())
    }

    /// Deletes the spares named with `tag` (every spare when nil), except those named with
    /// `keptTag`.
    func removeSpares(tag: String? = nil, keeping keptTag: String? = nil) {
        let prefix = Self.sparePrefix + (tag.map { $0 + "-" } ?? "")
        let kept = keptTag.map { Self.sparePrefix + $0 + "-" }
        for name in (try? names(startingWith: prefix)) ?? [] where !(kept.map(name.hasPrefix) ?? false) {
            _ = try? unlinkFile(name)
        }
    }

    /// Writes, optionally cuts the file to `data`'s length and syncs, and closes `fd` (on
    /// success only).
    private func fill(_ fd: Int32, tempName: String, fileName: String, data: Data, sync: Bool, trim: Bool = false) throws(FileStoreError) -> StagedFile {
        let tempPath = filePath(tempName)
        try Self.writeAll(data, to: fd, path: tempPath)
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .systemCall(operation: "fstat", path: tempPath, errno: errno) }
        if trim, status.st_size > off_t(data.count) {
            guard ftruncate(fd, off_t(data.count)) == 0, fstat(fd, &status) == 0 else {
                throw .systemCall(operation: "ftruncate", path: tempPath, errno: errno)
            }
        }
        if sync {
            guard fsync(fd) == 0 else { throw .systemCall(operation: "fsync", path: tempPath, errno: errno) }
        }
        close(fd)
        return StagedFile(tempName: tempName, fileName: fileName, fingerprint: FileFingerprint(status))
    }

    /// Moves `name` aside as `spareName` and overwrites its bytes with zeros, keeping its
    /// inode and block for a later `stage(_:as:reusing:sync:)`. False when `name` did not exist.
    func retire(_ name: String, as spareName: String) throws(FileStoreError) -> Bool {
        guard rename(filePath(name), filePath(spareName)) == 0 else {
            if errno == ENOENT { return false }
            throw .systemCall(operation: "rename", path: filePath(name), errno: errno)
        }
        // Blanked now rather than at reuse: an acknowledged record holds tokens, and a
        // removed record must not linger in readable form. Zeros in place rather than a
        // truncation, for the reason given at `stage(_:as:reusing:sync:)`.
        guard blank(spareName) else {
            let code = errno
            unlink(filePath(spareName))
            throw .systemCall(operation: "blank", path: filePath(spareName), errno: code)
        }
        return true
    }

    private static let zeros = [UInt8](repeating: 0, count: 4096)

    /// Overwrites every byte of the file `name` with zeros (see `retire` for why not a
    /// truncation); false, with `errno` set, when that failed.
    /// A file that is not `isPrivate` is left as it is (false, `EPERM`): its bytes are
    /// someone else's too.
    func blank(_ name: String) -> Bool {
        let fd = open(filePath(name), O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        guard Self.isPrivate(status) else {
            errno = EPERM
            return false
        }
        var offset: off_t = 0
        return Self.zeros.withUnsafeBytes { buffer in
            while offset < status.st_size {
                let count = pwrite(fd, buffer.baseAddress, min(buffer.count, Int(status.st_size - offset)), offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += off_t(count)
            }
            return true
        }
    }

    /// Whether a file may serve as a spare: a regular file of this user with no other link.
    /// A replaced account file can be anything an operator put there — hard-linked to a
    /// backup, owned by another user, readable by others: blanking it would wipe the backup,
    /// and writing another account's tokens into it would hand them to whoever else can read it.
    static func isPrivate(_ status: stat) -> Bool {
        status.st_mode & S_IFMT == S_IFREG && status.st_uid == geteuid() && status.st_nlink == 1
    }

    /// Every name in the directory that starts with `prefix` (hidden names included).
    func names(startingWith prefix: String) throws(FileStoreError) -> [String] {
        guard let stream = opendir(path) else {
            throw .systemCall(operation: "opendir", path: path, errno: errno)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        return names
    }

    /// Renames a staged file over its target (the fingerprint stays valid: a rename changes
    /// neither inode nor mtime). Durable only after `syncDirectory()`.
    func commit(_ staged: StagedFile) throws(FileStoreError) {
        guard rename(filePath(staged.tempName), filePath(staged.fileName)) == 0 else {
            let code = errno
            discard(staged)
            throw .systemCall(operation: "rename", path: filePath(staged.fileName), errno: code)
        }
    }

    enum Exchange {
        /// The target holds the new version; the staged file's temp name holds the old one.
        case exchanged
        /// Nothing changed: there is no target, or the file system cannot exchange names.
        case notPossible
    }

    /// Puts a staged file in place by swapping it with its target in one atomic step
    /// (`renameat2(RENAME_EXCHANGE)`), so that the old version's inode survives under the
    /// temp name instead of being freed, and can be blanked and reused (see
    /// `FileAccountStore`'s spares). Durable only after `syncDirectory()`.
    func exchange(_ staged: StagedFile) throws(FileStoreError) -> Exchange {
        guard let renameat2 = Self.renameat2 else { return .notPossible }
        let result = filePath(staged.tempName).withCString { from in
            filePath(staged.fileName).withCString { to in renameat2(AT_FDCWD, from, AT_FDCWD, to, Self.renameExchange) }
        }
        guard result != 0 else { return .exchanged }
        let code = errno
        if code == ENOENT || code == EINVAL || code == ENOSYS { return .notPossible }
        discard(staged)
        throw .systemCall(operation: "rename", path: filePath(staged.fileName), errno: code)
    }

    /// `RENAME_EXCHANGE` of linux/fs.h.
    private static let renameExchange: UInt32 = 1 << 1

    /// glibc declares `renameat2` only under _GNU_SOURCE, which Swift's Glibc module does not
    /// define; the symbol is there from glibc 2.28 on.
    private static let renameat2: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
    }()

    func discard(_ staged: StagedFile) {
        unlink(filePath(staged.tempName))
    }

    /// Makes every file written so far on this directory's file system durable with one
    /// `syncfs(2)`: a batch of staged files costs one flush instead of one fsync each.
    func syncFileSystem() throws(FileStoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .systemCall(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard Self.syncfs(fd) == 0 else { throw .systemCall(operation: "syncfs", path: path, errno: errno) }
    }

    /// glibc declares `syncfs` only under _GNU_SOURCE, which Swift's Glibc module does not
    /// define; the symbol itself is always there.
    private static let syncfs: @convention(c) (Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
            return { fd in fsync(fd) }  // unreachable on glibc ≥ 2.14; degrade to a plain fsync
        }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// Makes renames and unlinks in the directory durable.
    func syncDirectory() throws(FileStoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .systemCall(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .systemCall(operation: "fsync", path: path, errno: errno) }
    }

    /// False when the file did not exist.
    func unlinkFile(_ name: String) throws(FileStoreError) -> Bool {
        guard unlink(filePath(name)) == 0 else {
            if errno == ENOENT { return false }
            throw .systemCall(operation: "unlink", path: filePath(name), errno: errno)
        }
        return true
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws(FileStoreError) {
        let failure: Int32? = data.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        if let failure { throw .systemCall(operation: "write", path: path, errno: failure) }
    }

    static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
