import Foundation
import NIOCore
import SwitchyardProtocol
import XCTest

final class WorkerMessageTests: XCTestCase {
    private func line(_ message: WorkerMessage) -> String {
        String(String(buffer: WireCodec.encode(message)).dropLast())
    }

    func testEveryMessageRoundTrips() throws {
        for message in Fixtures.workerMessages {
            let encoded = WireCodec.encode(message)
            XCTAssertEqual(try WireCodec.decodeWorkerMessage(encoded.readableBytesView.dropLast()), message)
        }
    }

    /// SPEC §4's names, written out independently of the code, plus `refresh_answered`, our
    /// own addition (docs/protocol.md; a supervisor that does not know it ignores it).
    func testFixturesCoverEveryTypeWithSpecNames() {
        XCTAssertEqual(Set(Fixtures.workerMessages.map(\.wireType)), ["hello", "ready", "accepting", "accepting_stopped", "refresh_result", "quota_result", "outcome", "stats", "pong", "refresh_answered"])
    }

    /// SPEC §4's hello line, as written there, decodes; ours carries the token field.
    func testHelloCarriesTheToken() throws {
        let spec = #"{"type":"hello","provider":"codex","pid":123,"protocol":1,"token":"s3cr3t"}"#
        XCTAssertEqual(
            try WireCodec.decodeWorkerMessage(Array(spec.utf8)),
            .hello(Hello(provider: "codex", pid: 123, protocol: 1, token: "s3cr3t"))
        )
        XCTAssertEqual(
            line(.hello(Hello(provider: "codex", pid: 123, token: "s3cr3t", generation: 2))),
            #"{"generation":2,"pid":123,"protocol":1,"provider":"codex","token":"s3cr3t","type":"hello"}"#
        )
        XCTAssertThrowsError(try WireCodec.decodeWorkerMessage(Array(#"{"type":"hello","provider":"codex","pid":1,"protocol":1}"#.utf8))) {
            XCTAssertEqual($0 as? ProtocolError, .badField(type: "hello", reason: "missing token"))
        }
    }

    func testExactLines() {
        let cases: [(WorkerMessage, String)] = [
            (.ready, #"{"type":"ready"}"#),
            (.accepting, #"{"type":"accepting"}"#),
            (.acceptingStopped, #"{"type":"accepting_stopped"}"#),
            (.pong(seq: 17), #"{"seq":17,"type":"pong"}"#),
            (.stats(WorkerStats(inFlight: 3, requestsTotal: 1200, rssBytes: 5)),
             #"{"in_flight":3,"requests_total":1200,"rss_bytes":5,"type":"stats"}"#),
            (.refreshAnswered(requestID: "r-1"), #"{"request_id":"r-1","type":"refresh_answered"}"#),
            (.refreshResult(RefreshResult(requestID: "r-1", accountID: "codex-1", consumedTokenSHA256: "ab", httpStatus: 401,
                                          body: #"{"error":"invalid_grant"}"#)),
             #"{"account_id":"codex-1","body":"{\"error\":\"invalid_grant\"}","consumed_token_sha256":"ab","# +
                #""http_status":401,"request_id":"r-1","type":"refresh_result"}"#),
            (.quotaResult(QuotaResult(requestID: "q-1", accountID: "codex-1", error: "timeout")),
             #"{"account_id":"codex-1","error":"timeout","request_id":"q-1","type":"quota_result"}"#),
            (.outcome(Outcome(accountID: "claude-1", httpStatus: 429, retryAfterSeconds: 30, resetsAt: 1_767_225_600)),
             #"{"account_id":"claude-1","http_status":429,"resets_at":1767225600,"retry_after_seconds":30,"# +
                #""source":"api","type":"outcome"}"#),
        ]
        for (message, expected) in cases {
            XCTAssertEqual(line(message), expected)
        }
    }

    func testDescriptionsNeverShowSecrets() {
        let secrets = [Fixtures.helloToken, "at-SECRET-new", "rt-SECRET-new", "slow down"]
        for message in Fixtures.workerMessages {
            for text in [String(describing: message), String(reflecting: message), "\(message)"] {
                for secret in secrets {
                    XCTAssertFalse(text.contains(secret), "\(message.wireType) shows \(secret)")
                }
            }
        }
        XCTAssertEqual(
            WorkerMessage.hello(Hello(provider: "codex", pid: 1, token: Fixtures.helloToken, generation: 3)).description,
            "hello(Hello(provider: codex, pid: 1, protocol: 1, generation: 3))"
        )
    }
}
