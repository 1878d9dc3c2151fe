import XCTest

@testable import SwitchyardCore

final class JWTClaimsTests: XCTestCase {
    func testReadsPayloadOfEveryBase64URLLength() throws {
        // Payload lengths 0…3 mod 3 exercise every padding case; "~~~" and "???" produce
        // the base64url-specific characters "-" and "_" once encoded.
        for claims in [#"{"a":"x"}"#, #"{"a":"xy"}"#, #"{"a":"xyz"}"#, #"{"a":"~~~???"}"#] {
            let token = ProviderTestSupport.jwt(claims)
            let payload = try XCTUnwrap(JWTClaims.payload(of: token), claims)
            let expected = try JSONValue.parse(Data(claims.utf8))
            XCTAssertEqual(JSONValue.object(payload.members), expected)
        }
    }

    func testRejectsWhatIsNotAJWTWithAnObjectPayload() {
        let cases = [
            "", "abc", "a.!!!.c", "a.\(ProviderTestSupport.base64URL("[1]")).c",
            "a.\(ProviderTestSupport.base64URL("not json")).c", "a.x.c",
        ]
        for token in cases {
            XCTAssertNil(JWTClaims.payload(of: token), token)
        }
    }
}
