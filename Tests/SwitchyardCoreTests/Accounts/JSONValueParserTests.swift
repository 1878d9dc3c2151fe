import Foundation
import XCTest

@testable import SwitchyardCore

/// The hand-written parser against Foundation's `JSONDecoder` (which `JSONValue` can still be
/// decoded with, through `Decodable`): same values for valid text, a refusal for invalid text.
final class JSONValueParserTests: XCTestCase {
    private func reference(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    private func parsed(_ text: String) -> JSONValue? {
        try? JSONValue.parse(Data(text.utf8))
    }

    func testAgreesWithJSONDecoderOnValidText() {
        let cases = [
            #"{"access_token":"a.b.c","expires_in":3599,"scope":"x y","id_token":null,"ok":true,"no":false}"#,
            #"  [1, -2, 3.5, -0.25, 1e3, 1.0, 2E-2, 0, -0, 9223372036854775807, 12345678901234567890]  "#,
            #"{"nested":{"a":[{"b":[[],{}]}]},"empty":"","esc":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00"}"#,
            #""just a string""#, "42", "null", "true",
            #"{"dup":1,"dup":2}"#,
            #"{"unicode":"Grüße, 世界"}"#,
        ]
        for text in cases {
            XCTAssertEqual(parsed(text), reference(text), text)
            XCTAssertNotNil(parsed(text), text)
        }
    }

    func testRefusesInvalidText() {
        let cases = [
            "", " ", "{", "}", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, "{a:1}", "[1 2]", "tru", "nul", "01", "1.", ".5", "-",
            "1e", #""unterminated"#, "\"tab\there\"", #""\x""#, #""\u12""#, #""\ud800""#, "[1] [2]", #"{"a":1}x"#, "+1",
            String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ]
        for text in cases {
            XCTAssertNil(parsed(text), "accepted: \(text.prefix(40))")
        }
    }

    func testRandomDocumentsRoundTrip() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let value = randomValue(depth: 0, &random)
            let text = value.serialized()
            XCTAssertEqual(try JSONValue.parse(text), value, String(decoding: text, as: UTF8.self))
        }
    }

    private func randomValue(depth: Int, _ random: inout SplitMix64) -> JSONValue {
        let pick = depth > 3 ? random.next() % 5 : random.next() % 7
        switch pick {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 63))
        case 3: return .double(Double(Int64(bitPattern: random.next()) % 1_000_000) / 1024 + 0.5)
        case 4:
            let alphabet = Array("ab \"\\/\n\té世😀\u{01}")
            return .string(String((0..<Int(random.next() % 8)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(depth: depth + 1, &random) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int(random.next() % 4) { members["k\(index)"] = randomValue(depth: depth + 1, &random) }
            return .object(members)
        }
    }
}
