import Foundation
import XCTest

/// A client that leaves before its answer is decided (issue 4): the worker cancels the
/// upstream transfer at once, tries no other account, releases the account and writes nothing.
/// The hang-up after the first byte is `FailoverTests.testClientDisconnectCancelsTheUpstreamTransfer`.
final class HangUpTests: XCTestCase {
    func testHangUpWhileACodexAnswerIsCollectedCancelsItWithoutRetry() throws {
        // Least-used with both accounts at 0 % quota orders them by requests in flight, then
        // by id: c1 first, and c1 again afterwards only if its in-flight count was released.
        let rig = try ProxyRig(provider: "codex", providerConfig: "    selection: least-used\n")
        try rig.addAccount("c1", api: ["slow_stream", "ok"], extra: ["stream_gap_ms": 300, "usage_percent": [0]])
        try rig.addAccount("c2", extra: ["usage_percent": [0]])
        try rig.start()
        let client = try RawConnection(try rig.daemon.worker("codex").listen, post: "/v1/responses", body: DataPathTests.codexBody)
        XCTAssertTrue(eventually { try rig.sim.stats()["api_streams_open"] as? Int == 1 },
                      "c1 streams to the worker, which collects a \"stream\": false answer\n\(rig.daemon.log())")
        client.hangUp()
        XCTAssertTrue(eventually(timeout: .seconds(5)) { try rig.sim.stats()["api_streams_abandoned"] as? Int == 1 },
                      "the worker cancels the transfer it was collecting when its client goes\n\(rig.daemon.log())")
        XCTAssertEqual(try rig.sim.stats()["api_streams_open"] as? Int, 0)
        XCTAssertEqual(try rig.apiCalls("c1"), 1)
        XCTAssertEqual(try rig.apiCalls("c2"), 0, "no other account is tried for a client that left")

        let next = try Client.post(try rig.base + "/v1/responses", DataPathTests.codexBody)
        XCTAssertEqual(next.status, 200, next.body)
        XCTAssertTrue(next.body.contains("sim account c1"), "c1 is free again: \(next.body)")
        XCTAssertEqual(try rig.apiCalls("c2"), 0)
        rig.stop()
    }

    func testHangUpWhileTheStreamGateHoldsAStreamCancelsItAndWritesNothing() throws {
        let rig = try ProxyRig(provider: "claude")
        // message_start, then 4 s of silence: the gate holds the stream's start all that time.
        try rig.addAccount("a1", api: "slow_stream", extra: ["stream_gap_ms": 4000])
        try rig.addAccount("a2")
        try rig.start()
        let client = try RawConnection(try rig.daemon.worker("claude").listen, post: "/v1/messages", body: DataPathTests.claudeStream)
        XCTAssertTrue(eventually { try rig.sim.stats()["api_streams_open"] as? Int == 1 }, rig.daemon.log())
        // Closed within 2 s, before the gate could release the stream: the worker stopped
        // holding it for a client that left, it did not find out at its first write.
        let received = try client.endAndRead(timeout: 2)
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "", "the worker closes the connection without a byte")
        // The simulator sees the cut at its next event, one gap after the first.
        XCTAssertTrue(eventually(timeout: .seconds(8)) { try rig.sim.stats()["api_streams_abandoned"] as? Int == 1 },
                      "the held stream is cancelled upstream\n\(rig.daemon.log())")
        XCTAssertEqual(try rig.sim.stats()["api_streams_open"] as? Int, 0)
        XCTAssertEqual(try rig.apiCalls("a1"), 1)
        XCTAssertEqual(try rig.apiCalls("a2"), 0)
        rig.stop()
    }

    func testHangUpWhileTheHeadIsAwaitedEndsTheRequestAtOnce() throws {
        let rig = try ProxyRig(provider: "claude")
        // A non-streaming answer under slow_stream comes after 5 × 1.5 s: its head is awaited.
        try rig.addAccount("a1", api: "slow_stream", extra: ["stream_gap_ms": 1500])
        try rig.addAccount("a2")
        try rig.start()
        let client = try RawConnection(try rig.daemon.worker("claude").listen, post: "/v1/messages", body: DataPathTests.claudeBody)
        XCTAssertTrue(eventually { try rig.apiCalls("a1") == 1 }, rig.daemon.log())
        // Sooner than the upstream answers: the worker gave up waiting, it did not wait it out.
        let received = try client.endAndRead(timeout: 5)
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "", "the worker closes the connection without a byte")
        XCTAssertEqual(try rig.apiCalls("a1"), 1)
        XCTAssertEqual(try rig.apiCalls("a2"), 0, "no other account is tried for a client that left")
        rig.stop()
    }

    func testHangUpWhileARenewedTokenIsAwaitedEndsTheRequestAtOnce() throws {
        let rig = try ProxyRig(provider: "claude")
        // A 401 on the only account: the request waits (up to 15 s) for the token the
        // supervisor's refresh brings, and that refresh takes 5 s.
        try rig.addAccount("a1", api: ["unauthorized", "ok"], extra: ["refresh": "slow", "latency_ms": 5000])
        try rig.start()
        let client = try RawConnection(try rig.daemon.worker("claude").listen, post: "/v1/messages", body: DataPathTests.claudeBody)
        XCTAssertTrue(eventually { try rig.apiCalls("a1") == 1 }, rig.daemon.log())
        // Closed within 2 s, long before the new token: the worker stopped waiting for it.
        let received = try client.endAndRead(timeout: 2)
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "", "the worker closes the connection without a byte")
        XCTAssertTrue(eventually { try rig.daemon.readAccount(rig.ids["a1"]!)["access_token"] as? String != "a1-at-0" },
                      "the refresh the 401 set off still completes\n\(rig.daemon.log())")
        XCTAssertEqual(try rig.apiCalls("a1"), 1, "no retry on the new token for a client that left")
        rig.stop()
    }
}
