@testable import SwitchyardConfig
import SwitchyardCore
import XCTest

final class YAMLTreeTests: XCTestCase {
    func testTreeKeepsOrderRawTextAndLines() throws {
        let tree = try YAMLTree.compose("""
            b: no
            a:
              - 0755
              - "quoted"
            c:
            d: {x: ~}
            """)
        XCTAssertEqual(tree, .mapping([
            (key: "b", value: .scalar("no", line: 1), line: 1),
            (key: "a", value: .sequence([.scalar("0755", line: 3), .scalar("quoted", line: 4)], line: 3), line: 2),
            (key: "c", value: .null(line: 5), line: 5),
            (key: "d", value: .mapping([(key: "x", value: .null(line: 6), line: 6)]), line: 6),
        ]))
    }

    func testEmptyDocumentIsNull() throws {
        XCTAssertEqual(try YAMLTree.compose(""), .null(line: 1))
        XCTAssertEqual(try YAMLTree.compose("# nothing\n"), .null(line: 1))
    }

    func testQuotedNullIsAString() throws {
        XCTAssertEqual(try YAMLTree.compose("k: 'null'"), .mapping([(key: "k", value: .scalar("null", line: 1), line: 1)]))
    }

    func testMergeKeyWrittenKeysWin() throws {
        let tree = try YAMLTree.compose("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
        guard case .mapping(let top) = tree, case .mapping(let use) = top[1].value else { return XCTFail("\(tree)") }
        XCTAssertEqual(use.map(\.key), ["y", "x"])
        XCTAssertEqual(use.first { $0.key == "y" }?.value, .scalar("3", line: 4))
        XCTAssertEqual(use.first { $0.key == "x" }?.value, .scalar("1", line: 1))
    }

    func testNonScalarKeyIsRejected() {
        XCTAssertThrowsError(try YAMLTree.compose("? [a, b]\n: 1\n")) { error in
            guard case .syntax(let line, _, let problem)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 1)
            XCTAssertEqual(problem, "a key must be a plain string")
        }
    }

    func testControlCharacterIsASyntaxErrorOnItsLine() {
        XCTAssertThrowsError(try YAMLTree.compose("a: 1\nb: x\u{01}\n")) { error in
            guard case .syntax(let line, let column, _)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 2)
            XCTAssertEqual(column, 5)
        }
    }
}
