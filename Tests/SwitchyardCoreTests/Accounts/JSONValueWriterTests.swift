import Foundation
import XCTest

@testable import SwitchyardCore

/// `JSONValueWriter` must write what Foundation's `JSONEncoder` writes (account files keep
/// their exact bytes across the switch, and `saveManyIfUnchanged` compares bytes).
final class JSONValueWriterTests: XCTestCase {
    private func foundation(_ value: JSONValue, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.withoutEscapingSlashes, .sortedKeys, .prettyPrinted] : [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func ours(_ value: JSONValue, pretty: Bool) -> String {
        String(decoding: value.serialized(pretty: pretty, sortedKeys: true), as: UTF8.self)
    }

    func testMatchesJSONEncoderOnRandomValues() throws {
        var random = SplitMix64(seed: 11)
        for _ in 0..<2_000 {
            let value = JSONValue.random(integralDoubles: true, &random)
            for pretty in [false, true] {
                XCTAssertEqual(ours(value, pretty: pretty), try foundation(value, pretty: pretty))
            }
        }
    }

    func testEdgeCasesMatchJSONEncoder() throws {
        let values: [JSONValue] = [
            [:], [], ["a": [:], "b": [], "c": [[], [:]]],
            "\u{0}\u{8}\u{c}\r\n\t\u{1f}\u{7f}\u{2028}é/\"\\",
            .double(0.1), .double(1e20), .double(1e-7), .double(5), .double(-0.0), .double(123456789.125),
            .double(1e300), .double(2.5e15), .double(.nan), .double(.infinity), .int(.min), .int(.max),
            ["A": 1, "B1": 2, "_x": 3, "a-b": 4, "a.b": 5, "a1": 6, "a10": 7, "a2": 8, "aB": 9, "a_b": 10, "é": 11, "z": 12],
        ]
        for value in values {
            for pretty in [false, true] {
                XCTAssertEqual(ours(value, pretty: pretty), try foundation(value, pretty: pretty), "\(value)")
            }
        }
    }

    func testUnsortedKeysStillRoundTrip() throws {
        let value: JSONValue = ["b": 1, "a": ["y": "u/v", "x": [true, nil]]]
        XCTAssertEqual(try JSONValue.parse(value.serialized(sortedKeys: false)), value)
    }
}
