@testable import SwitchyardCore
import XCTest

final class UpstreamErrorTextTests: XCTestCase {
    func testKeepsProseAndCodes() {
        for text in [
            "Token has been expired or revoked.", "refresh_token_invalidated", "OAuth authentication is currently not allowed.",
            "see https://platform.claude.com/v1/oauth/token for details", "request req_011CX1 failed at 2026-01-01T00:00:00Z",
        ] {
            XCTAssertEqual(UpstreamErrorText.sanitize(text), text)
        }
    }

    func testRedactsSecretLookingWords() {
        let cases: [(String, String)] = [
            ("bad token sk-ant-ort01-abcdef", "bad token [redacted]"),
            ("Bearer ya29.a0AfH6SMBx", "Bearer [redacted]"),
            ("token=\"1//0gAbCdEfGh\"", "[redacted]"),
            ("jwt eyJhbGciOiJSUzI1NiJ9.e30.sig", "jwt [redacted]"),
            ("opaque Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", "opaque [redacted]"),
            ("https://x.test/cb?code=AbCdEfGhIjKlMnOpQrStUvWx12&state=1", "[redacted]"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(UpstreamErrorText.sanitize(input), expected, input)
        }
    }

    func testOneLineAndBounded() {
        XCTAssertEqual(UpstreamErrorText.sanitize("line one\nline\ttwo\r\n  three\u{0007}"), "line one line two three")
        let long = String(repeating: "word ", count: 200)
        let sanitized = UpstreamErrorText.sanitize(long)
        XCTAssertEqual(sanitized.count, UpstreamErrorText.maxLength)
        XCTAssertTrue(sanitized.hasSuffix("…"))
    }
}
