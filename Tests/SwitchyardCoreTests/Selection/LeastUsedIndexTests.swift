import XCTest

@testable import SwitchyardCore

final class LeastUsedIndexTests: XCTestCase {
    /// Random upserts and removals against a sorted list: the top is always the least entry.
    func testTopIsAlwaysTheLeastEntry() {
        var random = SplitMix64(seed: 3)
        var index = LeastUsedIndex()
        var model: [String: LeastUsedIndex.Entry] = [:]
        for _ in 0..<5000 {
            let id = "a\(random.next() % 40)"
            if random.next() % 4 == 0 {
                index.remove(id)
                model[id] = nil
            } else {
                let entry = LeastUsedIndex.Entry(id: id, inFlight: Int(random.next() % 5), quotaUsedPercent: Double(random.next() % 3))
                index.upsert(entry)
                model[id] = entry
            }
            XCTAssertEqual(index.count, model.count)
            let least = model.values.min(by: LeastUsedIndex.Entry.precedes)
            XCTAssertEqual(index.top?.id, least?.id)
        }
        var popped: [String] = []
        while let entry = index.popTop() { popped.append(entry.id) }
        XCTAssertEqual(popped, model.values.sorted(by: LeastUsedIndex.Entry.precedes).map(\.id))
    }
}
