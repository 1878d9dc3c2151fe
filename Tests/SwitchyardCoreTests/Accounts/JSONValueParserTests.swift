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
            let value = JSONValue.random(integralDoubles: false, &random)
            let text = value.serialized()
            XCTAssertEqual(try JSONValue.parse(text), value, String(decoding: text, as: UTF8.self))
        }
    }
}
