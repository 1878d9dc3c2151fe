import Foundation
import Glibc
import XCTest

@testable import SwitchyardStore

final class PendingJournalTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/sy-pending-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        directory = String(cString: try XCTUnwrap(made))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    private func inode(_ name: String) throws -> UInt64 {
        var status = stat()
        guard stat(directory + "/" + name, &status) == 0 else { throw POSIXError(.ENOENT) }
        return UInt64(status.st_ino)
    }

    func testABatchIsWrittenWholeAndListedInNameOrder() throws {
        let journal = PendingJournal(directory: directory)
        var spares: [String] = []
        let records = (1...5).map { (data: Data("record \($0)".utf8), id: "rf-\($0)") }
        let results = journal.writeMany(records, reusing: &spares)
        XCTAssertEqual(results.filter { if case .success = $0 { true } else { false } }.count, 5)
        let read = try journal.records()
        XCTAssertEqual(read.map(\.id), ["rf-1", "rf-2", "rf-3", "rf-4", "rf-5"])
        XCTAssertEqual(read.map { String(decoding: $0.data, as: UTF8.self) }, (1...5).map { "record \($0)" })
        XCTAssertEqual(try entries(), ["rf-1.json", "rf-2.json", "rf-3.json", "rf-4.json", "rf-5.json"], "no temp file is left")
    }

    func testARecordThatCannotBeStagedFailsAloneInItsBatch() throws {
        let journal = PendingJournal(directory: directory)
        var spares: [String] = []
        // An id with a slash names a file in a missing directory: its temp file cannot be made.
        let results = journal.writeMany([(Data("a".utf8), "ok-1"), (Data("b".utf8), "missing/x"), (Data("c".utf8), "ok-2")], reusing: &spares)
        guard case .success = results[0], case .failure = results[1], case .success = results[2] else {
            return XCTFail("unexpected results \(results)")
        }
        XCTAssertEqual(try journal.records().map(\.id), ["ok-1", "ok-2"])
    }

    func testAFailedFlushFailsTheWholeBatchAndLeavesNothing() throws {
        let journal = PendingJournal(directory: directory + "/absent")
        var spares: [String] = []
        let results = journal.writeMany([(Data("a".utf8), "a"), (Data("b".utf8), "b")], reusing: &spares)
        XCTAssertTrue(results.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    func testARemovedRecordKeptAsASpareIsBlankedAndItsInodeReused() throws {
        let journal = PendingJournal(directory: directory)
        try journal.write(Data("token-bearing record".utf8), id: "rf-1")
        let first = try inode("rf-1.json")
        let spare = PendingJournal.spareName(tag: "test", number: 1)
        XCTAssertTrue(try journal.remove(id: "rf-1", keepingAs: spare))
        XCTAssertEqual(try entries(), [spare])
        let blanked = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + spare))
        XCTAssertEqual(blanked, Data(repeating: 0, count: "token-bearing record".utf8.count), "a removed record does not linger readable")
        XCTAssertTrue(try journal.records().isEmpty, "a spare is not a record")

        var spares = [spare]
        let results = journal.writeMany([(Data("next".utf8), "rf-2")], reusing: &spares)
        guard case .success = results[0] else { return XCTFail("\(results)") }
        XCTAssertTrue(spares.isEmpty, "the spare was consumed")
        XCTAssertEqual(try inode("rf-2.json"), first, "written into the spare's inode")
        XCTAssertEqual(try journal.records().map { String(decoding: $0.data, as: UTF8.self) }, ["next"], "cut to the new record's length")
        XCTAssertEqual(try entries(), ["rf-2.json"])
    }

    func testASpareThatVanishedIsSkipped() throws {
        let journal = PendingJournal(directory: directory)
        var spares = [PendingJournal.spareName(tag: "test", number: 9)]
        let results = journal.writeMany([(Data("x".utf8), "rf-1")], reusing: &spares)
        guard case .success = results[0] else { return XCTFail("\(results)") }
        XCTAssertEqual(try entries(), ["rf-1.json"])
    }

    func testRemovingAMissingRecordSaysSo() throws {
        let journal = PendingJournal(directory: directory)
        XCTAssertFalse(try journal.remove(id: "nothing"))
        XCTAssertFalse(try journal.remove(id: "nothing", keepingAs: PendingJournal.spareName(tag: "t", number: 1)))
        XCTAssertEqual(try entries(), [])
    }

    func testRemoveSparesTakesOnlyTheTaggedOnesOrAll() throws {
        let journal = PendingJournal(directory: directory)
        for (tag, id) in [("100", "a"), ("200", "b")] {
            try journal.write(Data("x".utf8), id: id)
            try journal.remove(id: id, keepingAs: PendingJournal.spareName(tag: tag, number: 1))
        }
        try journal.write(Data("kept".utf8), id: "c")
        journal.removeSpares(tag: "100")
        XCTAssertEqual(try entries(), [".spare-200-1", "c.json"])
        journal.removeSpares()
        XCTAssertEqual(try entries(), ["c.json"])
    }

    // MARK: - The group-committing writer

    func testConcurrentWritesAllBecomeDurableRecordsAndRemovalsRecycleThem() async throws {
        let writer = PendingJournalWriter(journal: PendingJournal(directory: directory), spareTag: "w")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await writer.write(Data("record \(index)".utf8), id: String(format: "rf-%03d", index)) }
            }
            try await group.waitForAll()
        }
        let records = try writer.journal.records()
        XCTAssertEqual(records.count, 200)
        XCTAssertEqual(Set(records.map { String(decoding: $0.data, as: UTF8.self) }), Set((0..<200).map { "record \($0)" }))

        for index in 0..<200 { try await writer.remove(id: String(format: "rf-%03d", index)) }
        XCTAssertTrue(try writer.journal.records().isEmpty)
        XCTAssertEqual(try entries().count, 200, "every removed record is kept as a spare")

        for index in 0..<50 { try await writer.write(Data("again".utf8), id: "again-\(index)") }
        XCTAssertEqual(try entries().count, 200, "new records reuse the spares instead of adding files")
        XCTAssertEqual(try writer.journal.records().count, 50)

        writer.removeSpares()
        XCTAssertEqual(try entries().count, 50, "only records are left")
    }

    func testAWriteThatCannotBeMadeDurableThrows() async throws {
        let writer = PendingJournalWriter(journal: PendingJournal(directory: directory + "/absent"))
        do {
            try await writer.write(Data("x".utf8), id: "rf-1")
            XCTFail("a write into a missing directory must fail")
        } catch {
            XCTAssertTrue("\(error)".contains("absent"), "\(error)")
        }
    }
}
