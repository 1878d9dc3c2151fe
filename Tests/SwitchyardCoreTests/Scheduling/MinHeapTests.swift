import XCTest

@testable import SwitchyardCore

final class MinHeapTests: XCTestCase {
    func testPopsInSortedOrderWhetherBuiltOrInserted() {
        var random = SplitMix64(seed: 7)
        for size in [0, 1, 2, 3, 10, 257] {
            let values = (0..<size).map { _ in Int(random.next() % 50) }
            var inserted = MinHeap<Int>()
            values.forEach { inserted.insert($0) }
            var built = MinHeap(values)
            XCTAssertEqual(built.count, size)
            XCTAssertEqual(built.min, values.min())
            var fromInserted: [Int] = []
            var fromBuilt: [Int] = []
            while let value = inserted.popMin() { fromInserted.append(value) }
            while let value = built.popMin() { fromBuilt.append(value) }
            XCTAssertEqual(fromInserted, values.sorted(), "size \(size)")
            XCTAssertEqual(fromBuilt, values.sorted(), "size \(size)")
            XCTAssertTrue(built.isEmpty)
        }
    }

    func testInterleavedInsertAndPop() {
        var heap = MinHeap<Int>()
        for value in [5, 3, 8] { heap.insert(value) }
        XCTAssertEqual(heap.popMin(), 3)
        heap.insert(1)
        heap.insert(9)
        XCTAssertEqual([heap.popMin(), heap.popMin(), heap.popMin(), heap.popMin(), heap.popMin()], [1, 5, 8, 9, nil])
    }
}

/// A deterministic generator, so simulated runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
