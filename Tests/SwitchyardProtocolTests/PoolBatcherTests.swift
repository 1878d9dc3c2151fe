import NIOCore
import SwitchyardProtocol
import XCTest

final class PoolBatcherTests: XCTestCase {
    /// SPEC §4: a pool of 10,000 accounts, every line under 1 MiB, each account once, in order.
    func testTenThousandAccountsWithLongTokens() throws {
        let accounts = (0..<10_000).map { index in
            PoolAccount(
                id: "codex-\(String(index, radix: 16))",
                accessToken: String(repeating: "t", count: 2_000) + String(index),
                expiresAt: 1_767_225_600 + Int64(index),
                chatgptAccountID: "acc-\(index)",
                modelCooldowns: index % 7 == 0 ? ["gpt-5": 1_767_225_600] : nil,
                state: "active"
            )
        }
        let batches = PoolBatcher.batches(accounts)
        XCTAssertGreaterThan(batches.count, 15, "20 MB of accounts cannot fit in few lines")
        var seen: [PoolAccount] = []
        for batch in batches {
            XCTAssertFalse(batch.isEmpty)
            let line = WireCodec.encode(SupervisorMessage.poolUpsert(batch))
            XCTAssertLessThan(line.readableBytes, 1 << 20)
            XCTAssertEqual(try WireCodec.decodeSupervisorMessage(line.readableBytesView.dropLast()), .poolUpsert(batch))
            seen += batch
        }
        XCTAssertEqual(seen, accounts)
    }

    /// Lines are packed up to the bound exactly: no batch could have taken the next account.
    func testBatchesArePackedToTheBound() {
        let accounts = (0..<10).map { PoolAccount(id: "a\($0)", accessToken: "tok") }
        // `{"accounts":[` … `],"type":"pool_upsert"}\n` with three accounts: the exact size.
        let threeAccountLine = WireCodec.encode(SupervisorMessage.poolUpsert(Array(accounts[0..<3]))).readableBytes
        let batches = PoolBatcher.batches(accounts, maxLineBytes: threeAccountLine)
        XCTAssertEqual(batches.map(\.count), [3, 3, 3, 1])
        XCTAssertEqual(PoolBatcher.batches(accounts, maxLineBytes: threeAccountLine - 1).map(\.count), [2, 2, 2, 2, 2])
    }

    func testEmptyPoolHasNoBatches() {
        XCTAssertEqual(PoolBatcher.batches([]), [])
    }

    func testAnAccountLargerThanTheBoundGetsABatchOfItsOwn() {
        let small = PoolAccount(id: "s", accessToken: "t")
        let huge = PoolAccount(id: "h", accessToken: String(repeating: "x", count: 500))
        XCTAssertEqual(PoolBatcher.batches([small, huge, small], maxLineBytes: 200).map(\.count), [1, 1, 1])
    }
}
