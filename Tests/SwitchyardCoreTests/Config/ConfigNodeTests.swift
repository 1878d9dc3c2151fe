import SwitchyardCore
import XCTest

final class ConfigNodeTests: XCTestCase {
    func testEqualityComparesOrderValuesAndLines() {
        let a = ConfigNode.mapping([(key: "a", value: .scalar("1", line: 1), line: 1),
                                    (key: "b", value: .sequence([.null(line: 2)], line: 2), line: 2)])
        let same = ConfigNode.mapping([(key: "a", value: .scalar("1", line: 1), line: 1),
                                       (key: "b", value: .sequence([.null(line: 2)], line: 2), line: 2)])
        let reordered = ConfigNode.mapping([(key: "b", value: .sequence([.null(line: 2)], line: 2), line: 2),
                                            (key: "a", value: .scalar("1", line: 1), line: 1)])
        let otherLine = ConfigNode.mapping([(key: "a", value: .scalar("1", line: 1), line: 1),
                                            (key: "b", value: .sequence([.null(line: 3)], line: 2), line: 2)])
        XCTAssertEqual(a, same)
        XCTAssertNotEqual(a, reordered)
        XCTAssertNotEqual(a, otherLine)
        XCTAssertNotEqual(ConfigNode.scalar("", line: 1), .null(line: 1))
    }

    func testLine() {
        XCTAssertEqual(ConfigNode.mapping([(key: "a", value: .null(line: 4), line: 4)]).line, 4)
        XCTAssertNil(ConfigNode.mapping([]).line)
        XCTAssertEqual(ConfigNode.sequence([], line: 2).line, 2)
    }
}
