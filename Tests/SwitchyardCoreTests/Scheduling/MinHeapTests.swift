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
