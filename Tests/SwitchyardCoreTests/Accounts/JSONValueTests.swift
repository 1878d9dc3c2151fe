import Foundation
import XCTest

@testable import SwitchyardCore

final class JSONValueTests: XCTestCase {
    func testParsesEveryKind() throws {
        let text = #"{"n":null,"t":true,"f":false,"i":-42,"d":12.5,"s":"x/é","a":[1,"b"],"o":{"k":[]}}"#
        let value = try JSONValue.parse(Data(text.utf8))
        XCTAssertEqual(value, [
            "n": nil, "t": true, "f": false, "i": -42, "d": 12.5, "s": "x/é", "a": [1, "b"], "o": ["k": []],
        ])
    }

    /// Integers stay integers (no ".0", no precision loss above 2^53).
    func testIntegersRoundTripAsIntegers() throws {
        let text = #"{"big":9223372036854775807,"odd":9007199254740993,"small":-9223372036854775808}"#
        let value = try JSONValue.parse(Data(text.utf8))
        XCTAssertEqual(value["big"], .int(Int64.max))
        XCTAssertEqual(value["small"], .int(Int64.min))
        XCTAssertEqual(value["odd"], .int(9_007_199_254_740_993))
        XCTAssertEqual(String(decoding: value.serialized(), as: UTF8.self), text)
    }

    func testNumbersBeyondInt64AreDoubles() throws {
        let value = try JSONValue.parse(Data("[92233720368547758080, 0.5]".utf8))
        XCTAssertEqual(value, [.double(9.223_372_036_854_775_808e19), 0.5])
    }

    func testBoolsAreNotNumbers() throws {
        let value = try JSONValue.parse(Data("[true, 1, 0, false]".utf8))
        XCTAssertEqual(value, [true, 1, 0, false])
    }

    func testSerializationIsSortedAndStable() {
        let value: JSONValue = ["b": 1, "a": ["z": 1, "y": "u/v"]]
        XCTAssertEqual(String(decoding: value.serialized(), as: UTF8.self), #"{"a":{"y":"u/v","z":1},"b":1}"#)
        XCTAssertEqual(
            String(decoding: value.serialized(pretty: true), as: UTF8.self),
            "{\n  \"a\" : {\n    \"y\" : \"u/v\",\n    \"z\" : 1\n  },\n  \"b\" : 1\n}")
    }

    func testNonFiniteDoublesBecomeNull() {
        let value: JSONValue = [.double(.nan), .double(.infinity)]
        XCTAssertEqual(String(decoding: value.serialized(), as: UTF8.self), "[null,null]")
    }

    func testTypedAccessors() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 2.0, "f": 2.5, "b": true]
        XCTAssertEqual(value["s"]?.stringValue, "x")
        XCTAssertNil(value["i"]?.stringValue)
        XCTAssertEqual(value["i"]?.int64Value, 3)
        XCTAssertEqual(value["d"]?.int64Value, 2)
        XCTAssertNil(value["f"]?.int64Value)
        XCTAssertEqual(value["i"]?.doubleValue, 3)
        XCTAssertEqual(value["b"]?.boolValue, true)
        XCTAssertNil(value["missing"])
        XCTAssertNil(JSONValue.string("x")["s"])
    }

    func testRejectsInvalidJSON() {
        XCTAssertThrowsError(try JSONValue.parse(Data("{".utf8)))
        XCTAssertThrowsError(try JSONValue.parse(Data("".utf8)))
    }
}
