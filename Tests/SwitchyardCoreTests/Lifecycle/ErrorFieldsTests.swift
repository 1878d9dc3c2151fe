import Foundation
import SwitchyardCore
import XCTest

final class ErrorFieldsTests: XCTestCase {
    private func fields(_ body: String) -> ErrorFields {
        ErrorFields.extract(body: Array(body.utf8))
    }

    /// Each place a provider puts a code, with the message found next to it.
    func testReadsCodesFromEveryPlace() {
        let cases: [(body: String, codes: [String], message: String?)] = [
            (#"{"error":{"code":"token_expired","message":"Provided authentication token is expired."}}"#,
             ["token_expired"], "Provided authentication token is expired."),
            (#"{"error":{"type":"overloaded_error","message":"Overloaded"}}"#, ["overloaded_error"], "Overloaded"),
            (#"{"error":"invalid_grant","error_description":"Refresh token not found or invalid"}"#,
             ["invalid_grant"], "Refresh token not found or invalid"),
            (#"{"error_code":"refresh_token_expired","message":"expired"}"#, ["refresh_token_expired"], "expired"),
            (#"{"code":"token_revoked"}"#, ["token_revoked"], nil),
            (#"{"code":401,"message":"numeric code"}"#, [], "numeric code"),
            (#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"m"}}"#, ["resource_exhausted"], "m"),
            (#"{"detail":{"code":"account_deactivated","message":"gone"}}"#, ["account_deactivated"], "gone"),
            (#"{"detail":"Your OpenAI account has been deactivated"}"#, [], "Your OpenAI account has been deactivated"),
            (#"{"error":"Your account has been suspended"}"#, [], "Your account has been suspended"),
            (#"{"error":{"message":"Your refresh token has already been used","type":"invalid_request_error","code":"refresh_token_reused"}}"#,
             ["refresh_token_reused", "invalid_request_error"], "Your refresh token has already been used"),
            (#"{"error":"INVALID_GRANT"}"#, ["invalid_grant"], nil),
        ]
        for (body, codes, message) in cases {
            let extracted = fields(body)
            XCTAssertEqual(extracted.codes, codes, body)
            XCTAssertEqual(extracted.message, message, body)
        }
    }

    func testCodesKeepTheDocumentedOrderWithoutRepeats() {
        let body = #"""
            {"error":{"code":"a_code","type":"b_type","status":"C_STATUS","details":[{"reason":"D_REASON"},{"reason":"a_code"}]},
             "error_code":"e_code","code":"f_code"}
            """#
        XCTAssertEqual(fields(body).codes, ["a_code", "b_type", "e_code", "f_code", "c_status", "d_reason"])
    }

    func testMessagePrefersErrorMessageThenDescriptionThenMessage() {
        XCTAssertEqual(fields(#"{"error":{"message":"one"},"error_description":"two","message":"three"}"#).message, "one")
        XCTAssertEqual(fields(#"{"error":"x","error_description":"two","message":"three"}"#).message, "two")
        XCTAssertEqual(fields(#"{"message":"three"}"#).message, "three")
        XCTAssertEqual(fields(#"{"error":{"message":""},"message":"three"}"#).message, "three")
    }

    func testReadsGoogleQuotaDetails() {
        let extracted = fields(LifecycleFixtures.googleQuotaExhausted())
        XCTAssertEqual(extracted.codes, ["resource_exhausted", "quota_exhausted"])
        XCTAssertEqual(extracted.googleStatus, "RESOURCE_EXHAUSTED")
        XCTAssertEqual(extracted.googleReasons, ["QUOTA_EXHAUSTED"])
        XCTAssertEqual(extracted.quotaResetDelay, .seconds(3 * 3600 + 120))
        XCTAssertEqual(extracted.retryDelay, .milliseconds(10_500))
        XCTAssertEqual(extracted.model, "gemini-2.5-pro")
        XCTAssertEqual(extracted.message, "You have exhausted your capacity on this model.")
    }

    func testReadsTopLevelDetailsAndKeepsTheLongestDelays() {
        let body = #"""
            {"details":[{"retryDelay":"2s"},{"retryDelay":"1m"},{"metadata":{"quotaResetDelay":"1h"}},
                        {"metadata":{"quotaResetDelay":"30m","model":"gemini-2.5-flash"}}]}
            """#
        let extracted = fields(body)
        XCTAssertEqual(extracted.retryDelay, .seconds(60))
        XCTAssertEqual(extracted.quotaResetDelay, .seconds(3600))
        XCTAssertEqual(extracted.model, "gemini-2.5-flash")
    }

    func testReadsCodexResets() {
        let body = #"""
            {"error":{"type":"usage_limit_reached","message":"limit","plan_type":"plus","resets_at":1700003600,"resets_in_seconds":3600}}
            """#
        let extracted = fields(body)
        XCTAssertEqual(extracted.codes, ["usage_limit_reached"])
        XCTAssertEqual(extracted.resetsAt, 1_700_003_600)
        XCTAssertEqual(extracted.resetsIn, .seconds(3600))
        XCTAssertEqual(fields(#"{"resets_in_seconds":12.5}"#).resetsIn, .milliseconds(12_500))
        XCTAssertNil(fields(#"{"resets_in_seconds":-3}"#).resetsIn)
    }

    func testNonJSONBodiesGiveEmptyFields() {
        for body in ["", "   ", "<html><body>502 Bad Gateway</body></html>", "invalid_grant", "{not json", "42", #""s""#,
                     "[1,2]", "null"] {
            XCTAssertEqual(fields(body), ErrorFields(), body)
        }
    }

    func testTopLevelArrayIsReadThroughItsFirstObject() {
        let body = #"[{"error":{"code":503,"status":"UNAVAILABLE","message":"busy"}}]"#
        XCTAssertEqual(fields(body).codes, ["unavailable"])
        XCTAssertEqual(fields(body).message, "busy")
    }

    func testDataAndByteOverloadsAgree() {
        let body = LifecycleFixtures.googleInvalidGrant
        XCTAssertEqual(ErrorFields.extract(body: Data(body.utf8)), fields(body))
        XCTAssertEqual(ErrorFields.extract(body: Data(body.utf8)).codes, ["invalid_grant"])
    }
}
