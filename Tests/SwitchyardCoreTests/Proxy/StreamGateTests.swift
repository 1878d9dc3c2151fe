import XCTest

@testable import SwitchyardCore

final class StreamGateTests: XCTestCase {
    private func event(_ name: String, _ data: String) -> [UInt8] { Array("event: \(name)\ndata: \(data)\n\n".utf8) }

    func testClaudePreambleIsHeldUntilContent() {
        var gate = StreamGate(provider: .claude)
        let start = event("message_start", #"{"type":"message_start"}"#)
        let ping = event("ping", #"{"type":"ping"}"#)
        let block = event("content_block_start", #"{"type":"content_block_start"}"#)
        XCTAssertEqual(gate.feed(start), .hold)
        XCTAssertEqual(gate.feed(ping + block.prefix(10)), .hold)
        XCTAssertEqual(gate.feed(Array(block.dropFirst(10))), .release(start + ping + block))
    }

    func testClaudeErrorBeforeContentFails() {
        var gate = StreamGate(provider: .claude)
        let start = event("message_start", #"{"type":"message_start"}"#)
        let error = event("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
        XCTAssertEqual(gate.feed(start), .hold)
        XCTAssertEqual(gate.feed(error), .failed(payload: Array(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.utf8),
                                                 held: start + error))
    }

    func testCodexFailedResponseGivesItsResponseObjectForClassification() {
        var gate = StreamGate(provider: .codex)
        let created = event("response.created", #"{"type":"response.created","response":{"status":"in_progress"}}"#)
        let failed = event("response.failed", #"{"type":"response.failed","response":{"status":"failed","error":{"code":"server_is_overloaded"}}}"#)
        XCTAssertEqual(gate.feed(created), .hold)
        guard case .failed(let payload, _) = gate.feed(failed) else { return XCTFail("expected a failure") }
        XCTAssertEqual(String(decoding: payload, as: UTF8.self), #"{"status":"failed","error":{"code":"server_is_overloaded"}}"#)
        XCTAssertEqual(FailureClassifier.classify(source: .api, provider: .codex, status: 200, body: payload, now: 0),
                       .retryElsewhere(message: "server_is_overloaded (HTTP 200)"))
    }

    func testGeminiReleasesAtTheFirstDataAndFailsOnAnErrorObject() {
        var gate = StreamGate(provider: .gemini)
        let chunk = Array("data: {\"candidates\":[]}\r\n\r\n".utf8)
        XCTAssertEqual(gate.feed(chunk), .release(chunk))
        var failing = StreamGate(provider: .gemini)
        guard case .failed = failing.feed(Array("data: {\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}\n\n".utf8)) else {
            return XCTFail("an error object fails the stream")
        }
    }

    func testAHugePreambleIsReleasedAnyway() {
        var gate = StreamGate(provider: .claude)
        let ping = event("ping", #"{"type":"ping"}"#)
        var verdict = StreamGate.Verdict.hold
        var fed = 0
        while verdict == .hold, fed < StreamGate.holdLimit * 2 {
            verdict = gate.feed(ping)
            fed += ping.count
        }
        guard case .release(let bytes) = verdict else { return XCTFail("never released") }
        XCTAssertEqual(bytes.count, fed)
        XCTAssertLessThanOrEqual(fed, StreamGate.holdLimit + ping.count)
    }

    func testAStreamEndingInThePreambleHandsBackItsBytes() {
        var gate = StreamGate(provider: .codex)
        let created = event("response.created", "{}")
        XCTAssertEqual(gate.feed(created + Array("data: partial".utf8)), .hold)
        XCTAssertEqual(gate.finish(), created + Array("data: partial".utf8))
    }
}
