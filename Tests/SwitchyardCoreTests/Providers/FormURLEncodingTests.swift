import SwitchyardCore
import XCTest

final class FormURLEncodingTests: XCTestCase {
    func testEscapesEverythingOutsideTheUnreservedSet() {
        let cases: [(String, String)] = [
            ("AZaz09-._~", "AZaz09-._~"),
            ("1//0gAbC", "1%2F%2F0gAbC"),
            ("a+b=c&d", "a%2Bb%3Dc%26d"),
            ("a b", "a%20b"),
            ("%", "%25"),
            ("é", "%C3%A9"),
            ("\"#?@:;,", "%22%23%3F%40%3A%3B%2C"),
            ("", ""),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(FormURLEncoding.escape(input), expected, input)
        }
    }

    func testEncodesPairsInOrder() {
        XCTAssertEqual(FormURLEncoding.encode([("b", "1 2"), ("a=", "x&y"), ("c", "")]), "b=1%202&a%3D=x%26y&c=")
        XCTAssertEqual(FormURLEncoding.encode([]), "")
    }
}
