import Foundation
import XCTest

@testable import SwitchyardCore

final class AccountFileCodecTests: XCTestCase {
    func testRoundTripOfEveryField() throws {
        let data = AccountFileCodec.encode(AccountFixtures.full)
        let decoded = try AccountFileCodec.decode(data, fileName: "x.json")
        XCTAssertEqual(decoded, AccountFixtures.full)
        XCTAssertEqual(AccountFileCodec.encode(decoded), data, "rewriting must give identical bytes")
    }

    func testEncodedFormat() throws {
        let data = AccountFileCodec.encode(AccountFixtures.minimal)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(text, """
            {
              "disabled" : false,
              "id" : "claude-b4c9a289323b",
              "provider" : "claude",
              "refresh_token" : "rt",
              "schema" : 1
            }

            """)
    }

    func testReadsAFileWrittenByHand() throws {
        let text = """
            {"schema": 1, "id": "gemini-1", "provider": "gemini", "access_token": "at",
             "expires_at": 1700000000, "disabled": null, "quota": {"windows": [
               {"name": "m", "model": "gemini-2.5-pro", "used_percent": 100, "resets_at": 5}]},
             "refresh_failures": 2, "future_field": {"a": [1, 2.5]}}
            """
        let account = try AccountFileCodec.decode(Data(text.utf8), fileName: "gemini-1.json")
        XCTAssertEqual(account.provider, .gemini)
        XCTAssertEqual(account.expiresAt, 1_700_000_000)
        XCTAssertFalse(account.disabled)
        XCTAssertEqual(account.refreshFailures, 2)
        XCTAssertEqual(account.quota?.windows, [QuotaWindow(name: "m", model: "gemini-2.5-pro", usedPercent: 100, resetsAt: 5)])
        XCTAssertEqual(account.unknownFields, ["future_field": ["a": [1, 2.5]]])
    }

    func testSchemaIsOptionalOnRead() throws {
        let account = try AccountFileCodec.decode(
            Data(#"{"id":"codex-1","provider":"codex","refresh_token":"r"}"#.utf8), fileName: "f")
        XCTAssertEqual(account.unknownFields, [:])
    }

    func testDecodeErrors() {
        let table: [(String, String, AccountFileError.Reason)] = [
            ("not JSON", "{oops", .notJSON),
            ("empty file", "", .notJSON),
            ("array", "[1]", .notAnObject),
            ("string", "\"x\"", .notAnObject),
            ("schema 2", #"{"schema":2,"id":"a","provider":"claude","refresh_token":"r"}"#, .unsupportedSchema("2")),
            ("schema string", #"{"schema":"1","id":"a","provider":"claude","refresh_token":"r"}"#, .unsupportedSchema("\"1\"")),
            ("no id", #"{"provider":"claude","refresh_token":"r"}"#, .missingField("id")),
            ("no provider", #"{"id":"a","refresh_token":"r"}"#, .missingField("provider")),
            ("unknown provider", #"{"id":"a","provider":"openai","refresh_token":"r"}"#, .unknownProvider("openai")),
            ("bad id", #"{"id":"../etc/passwd","provider":"claude","refresh_token":"r"}"#, .invalidID("../etc/passwd")),
            ("no tokens", #"{"id":"a","provider":"claude","email":"e"}"#, .lacksTokens),
            ("empty tokens", #"{"id":"a","provider":"claude","access_token":"","refresh_token":""}"#, .lacksTokens),
            ("id a number", #"{"id":5,"provider":"claude","refresh_token":"r"}"#, .invalidField("id", expected: "a string")),
            ("expires_at a string", #"{"id":"a","provider":"claude","refresh_token":"r","expires_at":"soon"}"#,
             .invalidField("expires_at", expected: "an integer")),
            ("expires_at fractional", #"{"id":"a","provider":"claude","refresh_token":"r","expires_at":1.5}"#,
             .invalidField("expires_at", expected: "an integer")),
            ("disabled a string", #"{"id":"a","provider":"claude","refresh_token":"r","disabled":"yes"}"#,
             .invalidField("disabled", expected: "true or false")),
            ("unknown disabled_kind", #"{"id":"a","provider":"claude","refresh_token":"r","disabled_kind":"banned"}"#,
             .invalidField("disabled_kind", expected: "one of reauth_required, deactivated, verification_required, operator")),
            ("unknown refresh_status", #"{"id":"a","provider":"claude","refresh_token":"r","refresh_status":"meh"}"#,
             .invalidField("refresh_status", expected: "one of ok, failing, failed")),
        ]
        for (name, text, reason) in table {
            XCTAssertThrowsError(try AccountFileCodec.decode(Data(text.utf8), fileName: "f.json"), name) { error in
                XCTAssertEqual(error as? AccountFileError, AccountFileError(fileName: "f.json", reason: reason), name)
            }
        }
    }

    func testMalformedQuotaIsAnError() {
        let bad = [#"{"windows": 3}"#, #"{"windows": [{"used_percent": 5}]}"#, #"{"checked_at": "x"}"#, "[]"]
        for quota in bad {
            let text = #"{"id":"a","provider":"claude","refresh_token":"r","quota":"# + quota + "}"
            XCTAssertThrowsError(try AccountFileCodec.decode(Data(text.utf8), fileName: "f"), quota) { error in
                guard case .invalidField("quota", _)? = (error as? AccountFileError)?.reason else {
                    return XCTFail("\(quota): \(error)")
                }
            }
        }
    }

    func testErrorDescriptionsAreOneLineAndNameTheFile() {
        let error = AccountFileError(fileName: "x.json", reason: .lacksTokens)
        XCTAssertEqual(error.description, "x.json: lacks tokens (no access_token and no refresh_token)")
        let long = AccountFileError(fileName: "", reason: .invalidID(String(repeating: "a", count: 100) + "\nb"))
        XCTAssertFalse(long.description.contains("\n"))
        XCTAssertTrue(long.description.hasPrefix("id \"aaaa"))
    }

    /// Unknown fields never shadow the typed ones, and `schema` is always the codec's.
    func testKnownNamesInUnknownFieldsAreIgnored() throws {
        var account = AccountFixtures.minimal
        account.unknownFields = ["refresh_token": "stale", "schema": 7, "email": "x@y", "extra": 1]
        let object = AccountFileCodec.jsonObject(for: account)
        XCTAssertEqual(object["refresh_token"], "rt")
        XCTAssertEqual(object["schema"], 1)
        XCTAssertNil(object["email"])
        XCTAssertEqual(object["extra"], 1)
    }

    func testAccountCodableUsesTheFileForm() throws {
        let data = try JSONEncoder().encode([AccountFixtures.full])
        XCTAssertEqual(try JSONDecoder().decode([Account].self, from: data), [AccountFixtures.full])
        let tokenless = Data(#"{"id":"a","provider":"claude"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Account.self, from: tokenless))
    }
}
