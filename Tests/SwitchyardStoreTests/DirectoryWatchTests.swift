import Foundation
import Glibc
import SwitchyardCore
import XCTest

@testable import SwitchyardStore

/// Change hints from inotify, and the store's scan narrowed to them.
final class DirectoryWatchTests: XCTestCase {
    private var root = ""
    private var directory: String { root + "/accounts" }

    override func setUpWithError() throws {
        root = try makeTemporaryRoot("sy-watch")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: false, encoding: .utf8)
    }

    /// Collects hints until `names` were all seen (or 10 s passed).
    private func names(from watch: DirectoryWatch, until expected: Set<String>) async -> Set<String> {
        var seen: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(10)
        for await batch in watch.changes {
            seen.formUnion(batch ?? [])
            if expected.isSubset(of: seen) || ContinuousClock.now > deadline { break }
        }
        return seen
    }

    func testWritesRenamesAndDeletionsAreReportedByName() async throws {
        let watch = try XCTUnwrap(DirectoryWatch(path: directory))
        try write("claude-a.json", "{}")
        try write(".tmp-b", "{}")
        XCTAssertEqual(rename(directory + "/.tmp-b", directory + "/claude-b.json"), 0)
        XCTAssertEqual(unlink(directory + "/claude-a.json"), 0)
        let seen = await names(from: watch, until: ["claude-a.json", "claude-b.json"])
        XCTAssertTrue(seen.isSuperset(of: ["claude-a.json", "claude-b.json"]), "\(seen)")
        watch.stop()
    }

    func testOverflowAndDirectoryLossAskForEverything() {
        var names: Set<String> = []
        func record(mask: UInt32, name: String) -> [UInt8] {
            var bytes: [UInt8] = []
            let padded = Array(name.utf8) + [UInt8](repeating: 0, count: 16 - name.utf8.count % 16)
            for value in [UInt32(1), mask, 0, UInt32(name.isEmpty ? 0 : padded.count)] {
                bytes += withUnsafeBytes(of: value.littleEndian, Array.init)
            }
            return bytes + (name.isEmpty ? [] : padded)
        }
        let plain = record(mask: UInt32(IN_CLOSE_WRITE), name: "codex-1.json") + record(mask: UInt32(IN_DELETE), name: "codex-2.json")
            + record(mask: UInt32(IN_CLOSE_WRITE), name: ".codex-3.json.tmp-1f")
        XCTAssertFalse(DirectoryWatch.parse(plain[...], into: &names))
        XCTAssertEqual(names, ["codex-1.json", "codex-2.json"], "hidden names (temp files) are not reported")
        XCTAssertTrue(DirectoryWatch.parse(record(mask: UInt32(IN_Q_OVERFLOW), name: "")[...], into: &names))
        XCTAssertTrue(DirectoryWatch.parse(record(mask: UInt32(IN_DELETE_SELF), name: "")[...], into: &names))
    }

    func testTheNarrowScanSeesOnlyWhatItIsToldAbout() async throws {
        let store = FileAccountStore(directory: directory)
        let a = AccountStoreConformance.simpleAccount("claude-a")
        let b = AccountStoreConformance.simpleAccount("claude-b")
        try await store.saveMany([a, b])
        _ = try await store.loadAll()
        let a2 = AccountStoreConformance.simpleAccount("claude-a", token: "t2")
        let b2 = AccountStoreConformance.simpleAccount("claude-b", token: "t2")
        try write("claude-a.json", String(decoding: AccountFileCodec.encode(a2), as: UTF8.self))
        try write("claude-b.json", String(decoding: AccountFileCodec.encode(b2), as: UTF8.self))
        let onlyA = try await store.scanForChanges(.records(["claude-a.json", ".claude-a.json.tmp-1", "other.txt"]))
        XCTAssertEqual(onlyA.upserted, [a2])
        let again = try await store.scanForChanges(.records(["claude-a.json"]))
        XCTAssertEqual(again, StoreChanges(), "seen already")
        XCTAssertEqual(unlink(directory + "/claude-a.json"), 0)
        let removed = try await store.scanForChanges(.records(["claude-a.json"]))
        XCTAssertEqual(removed.removedIDs, ["claude-a"])
        let full = try await store.scanForChanges(.everything)
        XCTAssertEqual(full.upserted, [b2], "a full scan finds the rest")
    }

    func testOwnWritesAreNoChanges() async throws {
        let store = FileAccountStore(directory: directory)
        _ = try await store.loadAll()
        try await store.save(AccountStoreConformance.simpleAccount("claude-a"))
        let changes = try await store.scanForChanges(.records(["claude-a.json"]))
        XCTAssertEqual(changes, StoreChanges())
    }
}
