import Foundation
import XCTest

@testable import SwitchyardCore

final class ClientErrorTests: XCTestCase {
    private func json(_ error: ClientError, _ provider: Provider) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: error.body(for: provider)) as? [String: Any])
    }

    /// SPEC §8's table, row by row: status, then each provider's type/code/status fields.
    func testEveryRowOfTheTable() throws {
        let rows: [(ClientError, Int, String, String, String, String)] = [
            (.allCooling(retryAfterSeconds: 42), 429, "rate_limit_error", "usage_limit_reached", "all_accounts_cooling", "RESOURCE_EXHAUSTED"),
            (.noUsableAccount, 503, "overloaded_error", "server_error", "no_account_available", "UNAVAILABLE"),
            (.badClientKey, 401, "authentication_error", "invalid_request_error", "invalid_api_key", "UNAUTHENTICATED"),
            (.bodyTooLarge(limitBytes: 1024), 413, "request_too_large", "invalid_request_error", "request_too_large", "INVALID_ARGUMENT"),
            (.malformed(reason: "missing field model"), 400, "invalid_request_error", "invalid_request_error", "invalid_request", "INVALID_ARGUMENT"),
        ]
        for (error, status, claudeType, codexType, codexCode, googleStatus) in rows {
            XCTAssertEqual(error.status, status)
            let claude = try json(error, .claude)
            XCTAssertEqual(claude["type"] as? String, "error")
            let claudeError = try XCTUnwrap(claude["error"] as? [String: Any])
            XCTAssertEqual(claudeError["type"] as? String, claudeType)
            XCTAssertEqual(claudeError["message"] as? String, error.message)

            let codexError = try XCTUnwrap(try json(error, .codex)["error"] as? [String: Any])
            XCTAssertEqual(codexError["type"] as? String, codexType)
            XCTAssertEqual(codexError["code"] as? String, codexCode)
            XCTAssertEqual(codexError["message"] as? String, error.message)

            let geminiError = try XCTUnwrap(try json(error, .gemini)["error"] as? [String: Any])
            XCTAssertEqual(geminiError["code"] as? Int, status)
            XCTAssertEqual(geminiError["status"] as? String, googleStatus)
            XCTAssertEqual(geminiError["message"] as? String, error.message)
        }
    }

    func testRetryAfterIsWholeSecondsAndOnlyForAllCooling() {
        XCTAssertEqual(ClientError.allCooling(retryAfterSeconds: 17).headers.map(\.value), ["17"])
        XCTAssertEqual(ClientError.allCooling(retryAfterSeconds: 0).headers.map(\.value), ["1"])
        XCTAssertTrue(ClientError.noUsableAccount.headers.isEmpty)
    }

    func testSelectionFailuresMapToTheirRows() {
        XCTAssertNil(ClientError(Selection.account(id: "codex-0123456789ab")))
        XCTAssertEqual(ClientError(Selection.allCooling(retryAfterSeconds: 5)), .allCooling(retryAfterSeconds: 5))
        XCTAssertEqual(ClientError(Selection.noneUsable), .noUsableAccount)
    }

    /// Nothing about the pool's accounts can reach a client: the cases carry no account data,
    /// and the bodies hold no e-mail shape, account id shape or token prefix.
    func testBodiesCarryNoAccountData() {
        let errors: [ClientError] = [.allCooling(retryAfterSeconds: 3), .noUsableAccount, .badClientKey, .bodyTooLarge(limitBytes: 9)]
        for error in errors {
            for provider in Provider.allCases {
                let text = String(decoding: error.body(for: provider), as: UTF8.self)
                XCTAssertFalse(text.contains("@"), text)
                XCTAssertNil(text.range(of: #"(claude|codex|gemini)-[0-9a-f]{12}"#, options: .regularExpression), text)
                XCTAssertFalse(text.contains("sk-ant"), text)
            }
        }
    }
}
