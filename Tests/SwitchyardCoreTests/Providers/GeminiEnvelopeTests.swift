import Foundation
import XCTest

@testable import SwitchyardCore

final class GeminiEnvelopeTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testWrapPlacesTheClientBodyUnchangedInsideTheEnvelope() throws {
        let body = #"{"contents":[{"role":"user","parts":[{"text":"hi \"there\""}]}],"session_id":"s-1","n":1.50}"#
        let wrapped = GeminiEnvelope.wrap(bytes(body), model: "gemini-2.5-pro", project: "proj-7")
        XCTAssertEqual(text(wrapped), #"{"model":"gemini-2.5-pro","project":"proj-7","request":"# + body + "}")
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(wrapped)) as? [String: Any])
        let request = try XCTUnwrap(parsed["request"] as? [String: Any])
        XCTAssertEqual(request["session_id"] as? String, "s-1", "a client session_id travels as request.session_id")
    }

    func testWrapLeavesOutAnUnknownProjectAndEscapesNames() throws {
        let wrapped = GeminiEnvelope.wrap(bytes("{}"), model: "we\"ird\n", project: nil)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(wrapped)) as? [String: Any])
        XCTAssertEqual(parsed["model"] as? String, "we\"ird\n")
        XCTAssertNil(parsed["project"])
    }

    func testIsObject() {
        XCTAssertTrue(GeminiEnvelope.isObject(bytes(" {\"a\":1}\n")))
        XCTAssertFalse(GeminiEnvelope.isObject(bytes("[1]")))
        XCTAssertFalse(GeminiEnvelope.isObject(bytes("not json")))
        XCTAssertFalse(GeminiEnvelope.isObject(bytes("{")))
    }

    func testUnwrapTakesTheResponseMemberWhereverItSits() {
        let inner = #"{"candidates":[{"content":{"parts":[{"text":"} ] { \" response"}]}}],"usageMetadata":{"totalTokenCount":3}}"#
        let cases = [
            #"{"response":"# + inner + "}",
            #"{"traceId":"abc","response":"# + inner + "}",
            #" { "n" : -1.5e3 , "ok" : true, "x": null, "list": [1, {"response": 2}], "response" : "# + inner + " }",
        ]
        for body in cases {
            XCTAssertEqual(text(GeminiEnvelope.unwrap(bytes(body))), inner, body)
        }
    }

    func testUnwrapPassesBodiesWithoutAResponseOn() {
        for body in [
            #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#,
            #"{"nested":{"response":1}}"#,
            "{}", "[]", "", "{\"response\":", "{\"a\" 1}",
        ] {
            XCTAssertEqual(text(GeminiEnvelope.unwrap(bytes(body))), body)
        }
    }

    func testStreamEventsAreUnwrappedAcrossAnyChunking() {
        let stream = "data: {\"response\":{\"n\":1}}\r\n\r\n: comment\n\ndata: {\"response\":{\"n\":2,\"s\":\"a\\\"b\"}}\n\ndata: {\"error\":{\"code\":500}}\n\n"
        let expected = "data: {\"n\":1}\r\n\r\n: comment\n\ndata: {\"n\":2,\"s\":\"a\\\"b\"}\n\ndata: {\"error\":{\"code\":500}}\n\n"
        let all = bytes(stream)
        for size in [1, 2, 3, 7, 16, all.count] {
            var unwrapper = GeminiStreamUnwrapper()
            var out: [UInt8] = []
            var start = 0
            while start < all.count {
                let end = min(start + size, all.count)
                out += unwrapper.feed(Array(all[start..<end]))
                start = end
            }
            out += unwrapper.finish()
            XCTAssertEqual(text(out), expected, "chunks of \(size)")
        }
    }

    func testACompleteEventLeavesAtOnceAndOnlyAPartialLineWaits() {
        var unwrapper = GeminiStreamUnwrapper()
        XCTAssertEqual(text(unwrapper.feed(bytes("data: {\"response\":{\"a\":1}}\n\ndata: {\"resp"))), "data: {\"a\":1}\n\n")
        XCTAssertEqual(text(unwrapper.feed(bytes("onse\":2}\n"))), "data: 2\n")
        XCTAssertEqual(text(unwrapper.finish()), "")
    }
}
