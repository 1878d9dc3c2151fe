import Foundation
import NIOCore
import SwitchyardProtocol
import XCTest

final class SupervisorMessageTests: XCTestCase {
    private func line(_ message: SupervisorMessage) -> String {
        String(String(buffer: WireCodec.encode(message)).dropLast())
    }

    private func keys(_ message: SupervisorMessage) throws -> Set<String> {
        let data = Data(line(message).utf8)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Set(object.keys)
    }

    func testEveryMessageRoundTrips() throws {
        for message in Fixtures.supervisorMessages {
            let encoded = WireCodec.encode(message)
            XCTAssertEqual(try WireCodec.decodeSupervisorMessage(encoded.readableBytesView.dropLast()), message)
        }
    }

    /// SPEC §4's names, written out independently of the code.
    func testFixturesCoverEveryTypeWithSpecNames() {
        XCTAssertEqual(Set(Fixtures.supervisorMessages.map(\.wireType)), ["config", "pool_reset", "pool_upsert", "pool_remove", "refresh", "refresh_ack", "quota", "accept", "stop_accepting", "drain", "ping"])
    }

    /// The exact lines of SPEC §4's message names, and the shape of their fields.
    func testExactLines() {
        let cases: [(SupervisorMessage, String)] = [
            (.poolReset(total: 10_000), #"{"total":10000,"type":"pool_reset"}"#),
            (.poolRemove(ids: ["codex-1", "codex-2"]), #"{"ids":["codex-1","codex-2"],"type":"pool_remove"}"#),
            (.accept, #"{"type":"accept"}"#),
            (.stopAccepting, #"{"type":"stop_accepting"}"#),
            (.drain(deadlineMs: 30_000), #"{"deadline_ms":30000,"type":"drain"}"#),
            (.drain(deadlineMs: nil), #"{"type":"drain"}"#),
            (.ping(seq: 17), #"{"seq":17,"type":"ping"}"#),
            (.refreshAck(requestID: "r-9"), #"{"request_id":"r-9","type":"refresh_ack"}"#),
            (.quota(QuotaRequest(requestID: "q-1", accountID: "claude-1")),
             #"{"account_id":"claude-1","request_id":"q-1","type":"quota"}"#),
            (.poolUpsert([PoolAccount(id: "claude-1", accessToken: "tok", expiresAt: 100)]),
             #"{"accounts":[{"access_token":"tok","expires_at":100,"id":"claude-1"}],"type":"pool_upsert"}"#),
            (.unknown(type: "later"), #"{"type":"later"}"#),
        ]
        for (message, expected) in cases {
            XCTAssertEqual(line(message), expected)
        }
    }

    func testPayloadKeysAreSnakeCase() throws {
        XCTAssertEqual(try keys(.config(Fixtures.config)), [
            "type", "provider", "selection", "session_affinity_ms", "max_attempts", "token_url", "api_base",
            "usage_url", "client_id", "client_secret", "headers", "models", "client_keys", "max_body_bytes",
            "header_timeout_ms", "client_idle_timeout_ms", "upstream_connect_timeout_ms",
            "upstream_idle_timeout_ms", "drain_timeout_ms", "log_level", "log_format",
        ])
        XCTAssertEqual(try keys(.refresh(Fixtures.refreshRequest)), [
            "type", "request_id", "account_id", "refresh_token", "client_id", "client_secret", "proxy_url",
        ])
        let upsert = line(.poolUpsert([Fixtures.account]))
        for key in ["access_token", "expires_at", "cooldown_until", "chatgpt_account_id", "project_id",
                    "proxy_url", "model_cooldowns", "state"] {
            XCTAssertTrue(upsert.contains("\"\(key)\":"), key)
        }
    }

    /// Dictionary keys are data, not field names: header names and models keep their spelling.
    func testDictionaryKeysAreNotRewritten() {
        XCTAssertTrue(line(.config(Fixtures.config)).contains(#""User-Agent":"switchyard/1""#))
        XCTAssertTrue(line(.poolUpsert([Fixtures.account])).contains(#""gemini-2.5-pro":1767230000"#))
    }

    func testDescriptionsNeverShowSecrets() {
        let secrets = [Fixtures.accessToken, Fixtures.refreshToken, Fixtures.clientSecret, Fixtures.clientKey,
                       "user:pw", "switchyard/1"]
        for message in Fixtures.supervisorMessages {
            for text in [String(describing: message), String(reflecting: message), "\(message)"] {
                for secret in secrets {
                    XCTAssertFalse(text.contains(secret), "\(message.wireType) shows \(secret)")
                }
            }
        }
        XCTAssertEqual(SupervisorMessage.poolReset(total: 3).description, "pool_reset(total: 3)")
        XCTAssertEqual(String(describing: Fixtures.account),
                       "PoolAccount(id: codex-0123456789ab, expiresAt: 1767225600, cooldownUntil: 1767200000, state: cooling)")
    }
}
