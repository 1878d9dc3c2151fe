import Foundation
import Glibc
import SwitchyardCore
import XCTest

@testable import SwitchyardStore

final class FileAccountStoreTests: XCTestCase {
    private var root = ""
    private var directory: String { root + "/accounts" }

    override func setUpWithError() throws {
        root = try makeTemporaryRoot("sy-store")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: - The shared contracts

    /// Each store it makes gets its own directory under this test's root.
    private func makeConformance(keepsSpares: Bool = false) -> AccountStoreConformance {
        let root = root
        let counter = Counter()
        return AccountStoreConformance(
            makeStore: {
                let directory = root + "/case-\(counter.next())"
                try FileAccountStore.ensureDirectory(directory)
                return FileAccountStore(directory: directory, keepsSpares: keepsSpares)
            },
            openPeer: { store in
                FileAccountStore(directory: (store as! FileAccountStore).directory)
            })
    }

    func testConformance() async throws {
        let conformance = makeConformance()
        for check in AccountStoreConformance.checks {
            let failures = testRun?.failureCount ?? 0
            try await check.run(conformance)
            XCTAssertEqual(testRun?.failureCount ?? 0, failures, "conformance check failed: \(check.name)")
        }
    }

    /// The supervisor's store keeps spares: every contract holds the same.
    func testConformanceWithSpares() async throws {
        let conformance = makeConformance(keepsSpares: true)
        for check in AccountStoreConformance.checks {
            let failures = testRun?.failureCount ?? 0
            try await check.run(conformance)
            XCTAssertEqual(testRun?.failureCount ?? 0, failures, "conformance check failed with spares: \(check.name)")
        }
    }

    // MARK: - File backend specifics

    func testSparesKeepOldVersionsBlankAndAreWrittenAgain() async throws {
        try FileAccountStore.ensureDirectory(directory)
        let store = FileAccountStore(directory: directory, keepsSpares: true)
        var account = AccountStoreConformance.fullAccount()
        let name = "codex-47af1fdf3812.json"
        try await store.save(account)
        XCTAssertEqual(try listing(), [name], "a new file is renamed into place, nothing kept")

        account.refreshToken = "rt-second"
        try await store.save(account)
        let spare = try XCTUnwrap(try listing().first { $0.hasPrefix(".spare-\(getpid())-") })
        XCTAssertEqual(try listing(), [spare, name].sorted())
        XCTAssertEqual(try contents(of: name), AccountFileCodec.encode(account))
        XCTAssertEqual(try mode(of: name), 0o600)
        let blank = try contents(of: spare)
        XCTAssertFalse(blank.isEmpty)
        XCTAssertTrue(blank.allSatisfy { $0 == 0 }, "the replaced version, tokens and all, is blanked")
        let spareInode = try inode(of: spare)

        account.refreshToken = "rt-third"
        try await store.save(account)
        XCTAssertEqual(try inode(of: name), spareInode, "the spare was written again, no new inode")
        XCTAssertEqual(try contents(of: name), AccountFileCodec.encode(account), "cut to the new length")
        let loaded = try await store.loadAll().accounts
        XCTAssertEqual(loaded, [account])
        let changes = try await store.scanForChanges()
        XCTAssertTrue(changes.isEmpty, "own writes are no changes: \(changes)")

        await store.removeSpares()
        XCTAssertEqual(try listing(), [name])
    }

    /// An account file an operator put in place may be hard-linked to a backup or readable by
    /// others: once replaced it is neither blanked (the backup keeps its bytes) nor reused for
    /// another account's tokens; and a kept spare whose mode changed is written 0600 again.
    func testOnlyPrivateFilesBecomeSpares() async throws {
        try FileAccountStore.ensureDirectory(directory)
        let store = FileAccountStore(directory: directory, keepsSpares: true)
        var account = AccountStoreConformance.fullAccount()
        let name = "codex-47af1fdf3812.json"
        try await store.save(account)
        // The operator swaps in a copy that is also their backup, readable by others.
        let backup = root + "/backup.json"
        let original = try contents(of: name)
        XCTAssertTrue(FileManager.default.createFile(atPath: backup, contents: original))
        XCTAssertEqual(chmod(backup, 0o644), 0)
        XCTAssertEqual(unlink(directory + "/" + name), 0)
        XCTAssertEqual(link(backup, directory + "/" + name), 0)
        _ = try await store.scanForChanges()

        account.refreshToken = "rt-second"
        try await store.save(account)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: backup)), original, "the backup is untouched")
        XCTAssertEqual(try listing(), [name], "the shared file was not kept as a spare")
        XCTAssertEqual(try mode(of: name), 0o600)

        // A spare of our own, made readable by others while kept, comes back 0600.
        account.refreshToken = "rt-third"
        try await store.save(account)
        let spare = try XCTUnwrap(try listing().first { $0.hasPrefix(".spare-") })
        XCTAssertEqual(chmod(directory + "/" + spare, 0o644), 0)
        account.refreshToken = "rt-fourth"
        try await store.save(account)
        XCTAssertEqual(try mode(of: name), 0o600)
        XCTAssertEqual(try contents(of: name), AccountFileCodec.encode(account))
        await store.removeSpares()
    }

    func testLeftoverSparesOfOtherProcessesAreRemoved() async throws {
        try FileAccountStore.ensureDirectory(directory)
        let gone = ".spare-4194305-1", mine = ".spare-\(getpid())-7", other = ".spare-1-3", temp = ".codex-1.json.tmp-9f"
        for name in [gone, mine, other, temp] { XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())) }
        await FileAccountStore(directory: directory, keepsSpares: true).removeLeftoverSpares()
        XCTAssertEqual(try listing(), [mine, temp].sorted(), "only spares, and only other processes' spares")
    }

    func testFileLayoutAndMode() async throws {
        let store = FileAccountStore(directory: directory)
        let account = AccountStoreConformance.fullAccount()
        try await store.save(account)
        try await store.save(account)  // replace: still exactly one file, no temp left
        XCTAssertEqual(try listing(), ["codex-47af1fdf3812.json"])
        XCTAssertEqual(try mode(of: "codex-47af1fdf3812.json"), 0o600)
        XCTAssertEqual(try contents(of: "codex-47af1fdf3812.json"), AccountFileCodec.encode(account))
    }

    /// The file is exactly 0600 whatever the umask (O_CREAT's mode alone would give 0400).
    func testModeIgnoresUmask() async throws {
        let previous = umask(0o277)
        defer { umask(previous) }
        try await FileAccountStore(directory: directory).save(AccountStoreConformance.simpleAccount("claude-a"))
        XCTAssertEqual(try mode(of: "claude-a.json"), 0o600)
    }

    func testSaveManyLeavesNoTempFiles() async throws {
        let store = FileAccountStore(directory: directory)
        try await store.saveMany((0..<5).map { AccountStoreConformance.simpleAccount("claude-\($0)") })
        XCTAssertEqual(try listing(), (0..<5).map { "claude-\($0).json" })
    }

    func testUnknownFieldsKeptOnRewrite() async throws {
        try write("claude-a.json", """
            {"id": "claude-a", "provider": "claude", "refresh_token": "rt",
             "future": {"list": [1, 2.5, "x", null]}, "note": "hand-written"}
            """)
        let store = FileAccountStore(directory: directory)
        let loaded = try await store.loadAll().accounts
        var account = try XCTUnwrap(loaded.first)
        account.refreshToken = "rotated"
        try await store.save(account)
        let written = try JSONValue.parse(contents(of: "claude-a.json"))
        XCTAssertEqual(written["future"], ["list": [1, 2.5, "x", nil]])
        XCTAssertEqual(written["note"], "hand-written")
        XCTAssertEqual(written["refresh_token"], "rotated")
        XCTAssertEqual(written["schema"], 1)
    }

    func testMalformedFilesAreReportedAndNeverTouched() async throws {
        let cases: [(file: String, text: String, error: String)] = [
            ("claude-json.json", "{not json", "not valid JSON"),
            ("claude-notokens.json", #"{"id":"claude-notokens","provider":"claude"}"#,
             "lacks tokens (no access_token and no refresh_token)"),
            ("claude-mismatch.json", #"{"id":"claude-other","provider":"claude","refresh_token":"r"}"#,
             "id \"claude-other\" does not match the file name"),
            ("claude-schema.json", #"{"schema":2,"id":"claude-schema","provider":"claude","refresh_token":"r"}"#,
             "unsupported schema 2 (expected 1)"),
            ("claude-type.json", #"{"id":"claude-type","provider":"claude","refresh_token":"r","expires_at":"x"}"#,
             "expires_at must be an integer"),
        ]
        for item in cases { try write(item.file, item.text) }
        try setOldModificationTimes()
        let before = try cases.map { try snapshot(of: $0.file) }

        let store = FileAccountStore(directory: directory)
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded.accounts, [])
        let expected = cases.map { StoreProblem(file: $0.file, error: $0.error) }.sorted { $0.file < $1.file }
        XCTAssertEqual(loaded.problems, expected)

        for item in cases {
            let id = String(item.file.dropLast(5))
            await assertMalformed(try await store.account(id: id), item.file)
            await assertMalformed(try await store.save(AccountStoreConformance.simpleAccount(id)), item.file)
            await assertMalformed(try await store.remove(id: id), item.file)
        }
        let scanned = try await store.scanForChanges()
        XCTAssertEqual(scanned, StoreChanges(problems: expected))
        let fresh = try await FileAccountStore(directory: directory).scanForChanges()
        XCTAssertEqual(fresh.problems, expected)
        XCTAssertEqual(try cases.map { try snapshot(of: $0.file) }, before, "bytes, inode and mtime unchanged")
    }

    func testAFileBrokenByHandIsLeftAloneWithoutFailingTheRestOfABatch() async throws {
        let store = FileAccountStore(directory: directory)
        try await store.saveMany([AccountStoreConformance.simpleAccount("claude-a"), AccountStoreConformance.simpleAccount("claude-b")])
        try write("claude-b.json", "{half an edit")
        let before = try snapshot(of: "claude-b.json")
        let left = try await store.saveManyIfUnchanged([
            AccountStoreConformance.simpleAccount("claude-a", token: "new"), AccountStoreConformance.simpleAccount("claude-b", token: "new"),
        ])
        XCTAssertEqual(left, ["claude-b"])
        XCTAssertEqual(try snapshot(of: "claude-b.json"), before, "the broken file is untouched")
        let storedA = try await store.account(id: "claude-a")
        XCTAssertEqual(storedA, AccountStoreConformance.simpleAccount("claude-a", token: "new"))
        // Still a problem after the scan took it in: never overwritten, always reported.
        let changes = try await store.scanForChanges()
        XCTAssertEqual(changes.removedIDs, ["claude-b"])
        let leftAgain = try await store.saveManyIfUnchanged([AccountStoreConformance.simpleAccount("claude-b")])
        XCTAssertEqual(leftAgain, ["claude-b"])
        XCTAssertEqual(try snapshot(of: "claude-b.json"), before)
        XCTAssertEqual(try listing().filter { $0.hasPrefix(".") }, [], "no temp file is left")
    }

    func testIgnoresTempAndOtherFiles() async throws {
        let good = AccountStoreConformance.simpleAccount("claude-a")
        try write("claude-a.json", String(decoding: AccountFileCodec.encode(good), as: UTF8.self))
        try write(".claude-b.json.tmp-1234", "{partial")
        try write("README", "not an account")
        try write("claude-c.json.bak", "{}")
        try write(".json", "{}")
        let loaded = try await FileAccountStore(directory: directory).loadAll()
        XCTAssertEqual(loaded.accounts, [good])
        XCTAssertEqual(loaded.problems, [])
    }

    func testOddFilesAreProblems() async throws {
        XCTAssertEqual(mkdir(directory + "/claude-dir.json", 0o700), 0)
        try write("claude-big.json", String(repeating: " ", count: AccountDirectory.maximumFileSize + 1))
        let problems = try await FileAccountStore(directory: directory).loadAll().problems
        XCTAssertEqual(problems, [
            StoreProblem(file: "claude-big.json", error: "larger than 1 MiB"),
            StoreProblem(file: "claude-dir.json", error: "not a regular file"),
        ])
    }

    /// An atomic replacement with the same size and mtime is still seen (new inode).
    func testScanSeesReplacementWithSameSizeAndMtime() async throws {
        let store = FileAccountStore(directory: directory)
        try await store.save(AccountStoreConformance.simpleAccount("claude-a", token: "t1"))
        try setOldModificationTimes()
        _ = try await store.loadAll()
        let replacement = AccountStoreConformance.simpleAccount("claude-a", token: "t2")
        try write(".replacement", String(decoding: AccountFileCodec.encode(replacement), as: UTF8.self))
        try setOldModificationTimes(names: [".replacement"])
        XCTAssertEqual(rename(directory + "/.replacement", directory + "/claude-a.json"), 0)
        let changes = try await store.scanForChanges()
        XCTAssertEqual(changes.upserted, [replacement])
    }

    func testAccountTurningMalformedIsRemovedThenComesBack() async throws {
        let store = FileAccountStore(directory: directory)
        let account = AccountStoreConformance.simpleAccount("claude-a")
        try await store.save(account)
        _ = try await store.loadAll()
        try write("claude-a.json", "{half written")
        let broken = try await store.scanForChanges()
        XCTAssertEqual(broken.removedIDs, ["claude-a"])
        XCTAssertEqual(broken.problems, [StoreProblem(file: "claude-a.json", error: "not valid JSON")])
        try write("claude-a.json", String(decoding: AccountFileCodec.encode(account), as: UTF8.self))
        let fixed = try await store.scanForChanges()
        XCTAssertEqual(fixed, StoreChanges(upserted: [account]))
    }

    func testEnsureDirectory() throws {
        let nested = root + "/a/b/c"
        try FileAccountStore.ensureDirectory(nested)
        XCTAssertEqual(try mode(path: nested), 0o700)
        try FileAccountStore.ensureDirectory(nested)  // existing and private: fine

        let table: [(mode_t, Bool)] = [(0o700, true), (0o711, true), (0o750, false), (0o705, false),
                                       (0o702, false), (0o720, false), (0o755, false)]
        for (mode, accepted) in table {
            XCTAssertEqual(chmod(nested, mode), 0)
            do {
                try FileAccountStore.ensureDirectory(nested)
                XCTAssertTrue(accepted, "mode \(String(mode, radix: 8)) accepted")
            } catch .directoryAccessibleByOthers(let path, let found) {
                XCTAssertFalse(accepted, "mode \(String(mode, radix: 8)) refused")
                XCTAssertEqual(path, nested)
                XCTAssertEqual(found & 0o777, UInt32(mode))
            }
        }
        try write("plain.json", "{}")
        XCTAssertThrowsError(try FileAccountStore.ensureDirectory(directory + "/plain.json")) { error in
            XCTAssertEqual(error as? FileStoreError, .notADirectory(path: self.directory + "/plain.json"))
        }
    }

    func testErrorDescriptions() {
        XCTAssertEqual(
            FileStoreError.directoryAccessibleByOthers(path: "/x", mode: 0o40755).description,
            "refusing accounts-dir /x: readable or writable by group or others (mode 755); run chmod 700 on it")
        XCTAssertEqual(
            FileStoreError.systemCall(operation: "open", path: "/x", errno: ENOENT).description,
            "open /x: No such file or directory")
        XCTAssertEqual(
            FileStoreError.malformedFile(StoreProblem(file: "a.json", error: "not valid JSON")).description,
            "a.json: not valid JSON (left untouched: fix or delete it by hand)")
    }

    func testMissingDirectoryIsAnError() async {
        let store = FileAccountStore(directory: root + "/missing")
        do {
            _ = try await store.loadAll()
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error as? FileStoreError, .systemCall(operation: "opendir", path: root + "/missing", errno: ENOENT))
        }
    }

    // MARK: - Helpers

    private func assertMalformed<T>(
        _ body: @autoclosure () async throws -> T, _ file: String, line: UInt = #line
    ) async {
        do {
            _ = try await body()
            XCTFail("\(file): expected malformedFile", line: line)
        } catch let FileStoreError.malformedFile(problem) {
            XCTAssertEqual(problem.file, file, line: line)
        } catch {
            XCTFail("\(file): \(error)", line: line)
        }
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
    }

    private func contents(of name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }

    private func inode(of name: String) throws -> ino_t {
        var status = stat()
        XCTAssertEqual(stat(directory + "/" + name, &status), 0)
        return status.st_ino
    }

    private func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    private func mode(of name: String) throws -> mode_t {
        try mode(path: directory + "/" + name)
    }

    private func mode(path: String) throws -> mode_t {
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        return status.st_mode & 0o7777
    }

    private struct Snapshot: Equatable {
        var bytes: Data
        var inode: UInt64
        var mtimeSeconds: Int
        var mtimeNanoseconds: Int
    }

    private func snapshot(of name: String) throws -> Snapshot {
        var status = stat()
        XCTAssertEqual(stat(directory + "/" + name, &status), 0)
        return Snapshot(
            bytes: try contents(of: name), inode: UInt64(status.st_ino),
            mtimeSeconds: status.st_mtim.tv_sec, mtimeNanoseconds: status.st_mtim.tv_nsec)
    }

    /// Sets mtimes to a fixed past time, so "unchanged" cannot pass by coarse clock luck.
    private func setOldModificationTimes(names: [String]? = nil) throws {
        for name in try names ?? listing() {
            var times = [timespec(tv_sec: 1_600_000_000, tv_nsec: 123_456_789),
                         timespec(tv_sec: 1_600_000_000, tv_nsec: 123_456_789)]
            XCTAssertEqual(utimensat(AT_FDCWD, directory + "/" + name, &times, 0), 0)
        }
    }
}

/// Distinct directory names for the conformance factory.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
