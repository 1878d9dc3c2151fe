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
            let value = randomValue(depth: 0, &random)
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

    private func randomValue(depth: Int, _ random: inout SplitMix64) -> JSONValue {
        let pick = depth > 3 ? random.next() % 5 : random.next() % 7
        switch pick {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 63))
        case 3:
            // Fractions, integral values and exponents both ways.
            let mantissa = Double(Int64(bitPattern: random.next()) % 1_000_000) / 1024
            return .double(mantissa * pow(10, Double(Int(random.next() % 41) - 20)))
        case 4:
            let alphabet = Array("aZ_ \"\\/\n\r\t\u{8}\u{c}é世😀\u{01}\u{1f}\u{7f}")
            return .string(String((0..<Int(random.next() % 10)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(depth: depth + 1, &random) })
        default:
            var members: [String: JSONValue] = [:]
            let names = ["k", "K", "_k", "k_1", "k10", "k2", "é", "a-b", "a.b"]
            for _ in 0..<Int(random.next() % 5) { members[names[Int(random.next() % UInt64(names.count))]] = randomValue(depth: depth + 1, &random) }
            return .object(members)
        }
    }
}
