import Foundation
import Glibc
import SwitchyardCore

/// The file backend of `AccountStore` (SPEC §5): `<directory>/<id>.json` per account,
/// mode 0600, in the format of `AccountFileCodec`.
///
/// - Writes are atomic and durable (`AccountDirectory` states the order); `saveMany` syncs
///   the directory once for the whole batch.
/// - `saveManyIfUnchanged` compares each file's fingerprint with the one this instance last
///   read or wrote right before renaming over it: the supervisor never replaces a hand edit
///   it has not seen yet.
/// - Only `*.json` names that do not start with `.` are account files: temp files
///   (`.<id>.json.tmp-…`), spares (`.spare-<pid>-<n>`) and anything else in the directory
///   are ignored.
/// - Spares (`keepsSpares`, the supervisor's store): a write swaps the new file with the old
///   one (`AccountDirectory.exchange`) instead of renaming over it, blanks the old one and
///   keeps it, hidden, as the temp file of a later write. Rewriting an account then neither
///   allocates nor frees an inode or a block: at a thousand refresh results a second, freeing
///   (with the `discard` mount option, a TRIM per freed block) and allocating (ext4 without a
///   journal scans past recently freed inodes) cost more than writing the data. At most
///   `maximumSpares` are kept; `removeSpares` deletes them, `removeLeftoverSpares` those a
///   killed supervisor left.
/// - A file that cannot be used — not JSON, lacks tokens, a known field of the wrong type,
///   an id other than its file name, not a regular file, over 1 MiB — is a `StoreProblem`
///   and is never modified or deleted, not even by `save` or `remove` of that id.
/// - `scanForChanges` compares (inode, size, mtime ns) fingerprints with those seen by the
///   last `loadAll`/scan and this store's own writes, so it reads only files others changed.
///   One instance per directory per process: two instances see each other as "others".
///
/// Runs on its own serial dispatch queue, not the cooperative pool: its methods block in
/// `fsync` and friends.
public actor FileAccountStore: AccountStore {
    public nonisolated let directory: String
    private let files: AccountDirectory
    private let executor: DispatchQueueExecutor
    /// Every account file as last read or written by this instance, by file name.
    private var known: [String: KnownFile] = [:]
    /// Kept while its hints are being read.
    private var watch: DirectoryWatch?
    private let keepsSpares: Bool
    /// Blanked old versions, ready to be written again.
    private var spares: [String] = []
    private var sparesNamed = 0
    /// More spares than accounts written in one batch are never used at once.
    static let maximumSpares = 1024
    /// Names this process's spares apart from a killed predecessor's.
    private let spareTag = String(getpid())

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Does not touch the file system; call `ensureDirectory` first to create or check it.
    public init(directory: String, keepsSpares: Bool = false) {
        self.directory = directory
        self.keepsSpares = keepsSpares
        files = AccountDirectory(path: directory)
        executor = DispatchQueueExecutor(label: "switchyard.file-account-store")
    }

    public func loadAll() throws -> (accounts: [Account], problems: [StoreProblem]) {
        var fresh: [String: KnownFile] = [:]
        var accounts: [Account] = []
        for name in try files.listAccountFileNames() {
            guard let examined = examine(name) else { continue }
            fresh[name] = examined.file
            if let account = examined.account { accounts.append(account) }
        }
        known = fresh
        return (accounts.sorted { $0.id < $1.id }, currentProblems())
    }

    public func account(id: String) throws -> Account? {
        guard AccountID.isValid(id), let examined = examine(Self.fileName(for: id)) else { return nil }
        if let account = examined.account { return account }
        if case .problem(let problem) = examined.file.entry { throw FileStoreError.malformedFile(problem) }
        return nil
    }

    public func save(_ account: Account) throws {
        try saveMany([account])
    }

    public func saveMany(_ accounts: [Account]) throws {
        _ = try write(accounts, onlyOverWhatWasSeen: false)
    }

    public func saveManyIfUnchanged(_ accounts: [Account]) throws -> [String] {
        try write(accounts, onlyOverWhatWasSeen: true)
    }

    /// With `onlyOverWhatWasSeen`, a file is replaced only while it is the version this
    /// instance last read or wrote (same fingerprint), or created only while still absent;
    /// the others' ids are returned. Checked right before each rename, after the batch's
    /// flush, so the window for an edit to slip between check and rename is one system call.
    private func write(_ accounts: [Account], onlyOverWhatWasSeen: Bool) throws -> [String] {
        guard !accounts.isEmpty else { return [] }
        for account in accounts {
            guard AccountID.isValid(account.id) else { throw FileStoreError.invalidAccountID(account.id) }
            if !onlyOverWhatWasSeen { try refuseIfMalformed(Self.fileName(for: account.id)) }
        }
        var staged: [AccountDirectory.StagedFile] = []
        staged.reserveCapacity(accounts.count)
        // Group commit: every temp file written, one file-system flush, then the renames.
        let single = accounts.count == 1
        do {
            for account in accounts {
                staged.append(try stage(AccountFileCodec.encode(account), as: Self.fileName(for: account.id), sync: single))
            }
            if !single { try files.syncFileSystem() }
        } catch {
            staged.forEach(files.discard)
            throw error
        }
        var changedByOthers: [String] = []
        for (index, file) in staged.enumerated() {
            do {
                if onlyOverWhatWasSeen, try !isAsLastSeen(file.fileName) {
                    files.discard(file)
                    changedByOthers.append(Self.id(of: file.fileName))
                    continue
                }
                try commit(file)
            } catch {
                staged[(index + 1)...].forEach(files.discard)
                // What is renamed already stays: make it durable before reporting the failure.
                try? files.syncDirectory()
                throw error
            }
            known[file.fileName] = KnownFile(fingerprint: file.fingerprint, entry: .account(id: Self.id(of: file.fileName)))
        }
        if changedByOthers.count < staged.count { try files.syncDirectory() }
        return changedByOthers
    }

    private func stage(_ data: Data, as fileName: String, sync: Bool) throws(FileStoreError) -> AccountDirectory.StagedFile {
        guard keepsSpares else { return try files.stage(data, as: fileName, sync: sync) }
        return try files.stage(data, as: fileName, sync: sync, takingFrom: &spares) {
            sparesNamed += 1
            return AccountDirectory.spareName(tag: spareTag, number: sparesNamed)
        }
    }

    /// Puts a staged file in place; with spares, keeps the version it replaced as one.
    private func commit(_ file: AccountDirectory.StagedFile) throws(FileStoreError) {
        guard keepsSpares, try files.exchange(file) == .exchanged else { return try files.commit(file) }
        // The old version holds tokens: blanked before it is kept, deleted when it cannot be.
        if spares.count < Self.maximumSpares, files.blank(file.tempName) {
            spares.append(file.tempName)
        } else {
            _ = try? files.unlinkFile(file.tempName)
        }
    }

    /// Deletes this instance's spares (before the process exits).
    public func removeSpares() {
        for name in spares { _ = try? files.unlinkFile(name) }
        spares = []
    }

    /// Deletes every spare but this process's: the leftovers of a killed supervisor. Run by a
    /// starting supervisor, which holds the supervisor lock, so no other process is using
    /// spares here (the CLI's store keeps none). A spare that vanished anyway only costs its
    /// user a new temp file. Not "spares of dead pids": a killed process can linger as a
    /// zombie, and pids are reused.
    public func removeLeftoverSpares() {
        files.removeSpares(keeping: spareTag)
    }

    /// True when `name` is what this instance last read or wrote: the same readable version,
    /// or absent and never seen.
    private func isAsLastSeen(_ name: String) throws -> Bool {
        let current = try files.fingerprint(of: name)
        guard let file = known[name] else { return current == nil }
        guard case .account = file.entry, let seen = file.fingerprint else { return false }
        return current == seen
    }

    @discardableResult
    public func remove(id: String) throws -> Bool {
        guard AccountID.isValid(id) else { return false }
        let name = Self.fileName(for: id)
        try refuseIfMalformed(name)
        let existed = try files.unlinkFile(name)
        known.removeValue(forKey: name)
        if existed { try files.syncDirectory() }
        return existed
    }

    public func scanForChanges() throws -> StoreChanges {
        var changes = StoreChanges()
        var present = Set<String>()
        for name in try files.listAccountFileNames() {
            guard let current = try files.fingerprint(of: name) else { continue }  // gone since listing
            if note(name, current: current, in: &changes) { present.insert(name) }
        }
        for (name, file) in known where !present.contains(name) {
            known.removeValue(forKey: name)
            if case .account(let id) = file.entry { changes.removedIDs.append(id) }
        }
        return finished(changes)
    }

    /// `scanForChanges` for the given file names only (those a `DirectoryWatch` saw change).
    public func scanForChanges(_ hint: StoreChangeHint) throws -> StoreChanges {
        guard case .records(let names) = hint else { return try scanForChanges() }
        var changes = StoreChanges()
        for name in names where AccountDirectory.isAccountFileName(name) {
            if let current = try files.fingerprint(of: name), note(name, current: current, in: &changes) {
                continue
            } else if let file = known.removeValue(forKey: name), case .account(let id) = file.entry {
                changes.removedIDs.append(id)
            }
        }
        return finished(changes)
    }

    /// The file store watches its directory (inotify), so a scan need look only at the
    /// files that changed; nil where inotify is not available.
    public func changeHints() -> AsyncStream<StoreChangeHint>? {
        guard let watch = DirectoryWatch(path: directory) else { return nil }
        self.watch = watch
        return AsyncStream { continuation in
            let forward = Task {
                for await names in watch.changes { continuation.yield(names.map(StoreChangeHint.records) ?? .everything) }
                continuation.finish()
            }
            continuation.onTermination = { _ in forward.cancel() }
        }
    }

    /// Compares one present file with what this instance last saw of it; false when it
    /// turned out to be gone.
    private func note(_ name: String, current: FileFingerprint, in changes: inout StoreChanges) -> Bool {
        if let file = known[name], file.fingerprint == current { return true }
        guard let examined = examine(name) else { return false }
        let previous = known.updateValue(examined.file, forKey: name)
        if let account = examined.account {
            changes.upserted.append(account)
        } else if case .account(let id)? = previous?.entry {
            changes.removedIDs.append(id)  // turned malformed: no readable account under it now
        }
        return true
    }

    private func finished(_ changes: StoreChanges) -> StoreChanges {
        var changes = changes
        changes.upserted.sort { $0.id < $1.id }
        changes.removedIDs.sort()
        changes.problems = currentProblems()
        return changes
    }

    // MARK: - Directory set-up

    /// Creates `path` (and missing parents) with mode 0700, or checks an existing one: it
    /// must be a directory that neither group nor others can read or write (SPEC §1 refuses
    /// an accounts-dir readable by others; the files hold live credentials).
    public static func ensureDirectory(_ path: String) throws(FileStoreError) {
        var status = stat()
        if stat(path, &status) != 0 {
            guard errno == ENOENT else { throw .systemCall(operation: "stat", path: path, errno: errno) }
            try createDirectories(path)
            guard stat(path, &status) == 0 else { throw .systemCall(operation: "stat", path: path, errno: errno) }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path: path) }
        guard status.st_mode & 0o066 == 0 else {
            throw .directoryAccessibleByOthers(path: path, mode: UInt32(status.st_mode))
        }
    }

    private static func createDirectories(_ path: String) throws(FileStoreError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw .systemCall(operation: "mkdir", path: prefix, errno: errno)
            }
            prefix += "/"
        }
    }

    // MARK: - Bookkeeping

    private enum Entry: Equatable {
        case account(id: String)
        case problem(StoreProblem)
    }

    private struct KnownFile {
        /// Nil when the file could not even be opened: it is examined again on every scan.
        var fingerprint: FileFingerprint?
        var entry: Entry
    }

    private struct Examined {
        var file: KnownFile
        var account: Account?
    }

    private static func fileName(for id: String) -> String { id + ".json" }

    private static func id(of fileName: String) -> String { String(fileName.dropLast(5)) }

    /// Reads and decodes one file; nil when it does not exist.
    private func examine(_ name: String) -> Examined? {
        func problem(_ reason: String, _ fingerprint: FileFingerprint?) -> Examined {
            Examined(file: KnownFile(fingerprint: fingerprint, entry: .problem(StoreProblem(file: name, error: reason))))
        }
        switch files.read(name) {
        case .missing:
            return nil
        case .unusable(let reason, let fingerprint):
            return problem(reason, fingerprint)
        case .contents(let data, let fingerprint):
            let account: Account
            do {
                account = try AccountFileCodec.decode(data, fileName: name)
            } catch {
                return problem(error.reason.description, fingerprint)
            }
            guard Self.fileName(for: account.id) == name else {
                return problem(AccountFileError.Reason.idDoesNotMatchFileName(id: account.id).description, fingerprint)
            }
            return Examined(file: KnownFile(fingerprint: fingerprint, entry: .account(id: account.id)), account: account)
        }
    }

    /// Throws when `name` exists and is unusable, so no write of ours destroys it. Leaves
    /// the scan baseline alone: a change found here is still reported by the next scan.
    private func refuseIfMalformed(_ name: String) throws {
        guard let current = try files.fingerprint(of: name) else { return }
        let entry: Entry
        if let file = known[name], file.fingerprint == current {
            entry = file.entry
        } else if let examined = examine(name) {
            entry = examined.file.entry
        } else {
            return
        }
        if case .problem(let problem) = entry { throw FileStoreError.malformedFile(problem) }
    }

    private func currentProblems() -> [StoreProblem] {
        known.values.compactMap { file in
            if case .problem(let problem) = file.entry { return problem }
            return nil
        }.sorted { $0.file < $1.file }
    }
}
