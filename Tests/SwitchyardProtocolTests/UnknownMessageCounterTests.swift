import XCTest

@testable import SwitchyardProtocol

final class UnknownMessageCounterTests: XCTestCase {
    func testCountsPerTypeAndTellsTheFirst() {
        var counter = UnknownMessageCounter()
        XCTAssertEqual(counter.record("metrics"), 1)
        XCTAssertEqual(counter.record("metrics"), 2)
        XCTAssertEqual(counter.record("trace"), 1)
        XCTAssertEqual(counter.counts, ["metrics": 2, "trace": 1])
        XCTAssertEqual(counter.total, 3)
    }

    func testAPeerInventingTypesShareOneCountPastTheBound() {
        var counter = UnknownMessageCounter()
        for index in 0..<(UnknownMessageCounter.maximumTypes + 100) { _ = counter.record("type-\(index)") }
        XCTAssertEqual(counter.counts.count, UnknownMessageCounter.maximumTypes + 1)
        XCTAssertEqual(counter.counts[UnknownMessageCounter.overflowType], 100)
        XCTAssertEqual(counter.record("type-0"), 2, "a type already known keeps its own count")
    }
}
