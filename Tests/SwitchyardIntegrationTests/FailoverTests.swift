import Foundation
import SwitchyardCurl
import Synchronization
import XCTest

/// Failover before the first byte (SPEC §6.4, §8): a failed attempt moves to another account,
/// and what the failure means for the account is reported, persisted and shown.
final class FailoverTests: XCTestCase {
    func testRateLimitedAccountCoolsAndTheRequestMovesOn() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "")
        let limited = try rig.addAccount("a1", api: "rate_limited", extra: ["rate_limit_reset_seconds": 600])
        try rig.addAccount("a2")
        try rig.start()
        let base = try rig.base
        for _ in 0..<4 {
            let answer = try Client.post(base + "/v1/messages", DataPathTests.claudeBody)
            XCTAssertEqual(answer.status, 200, answer.body)
            XCTAssertTrue(answer.body.contains("sim account a2"), answer.body)
        }
        XCTAssertEqual(try rig.apiCalls("a1"), 1, "a cooling account gets no more traffic")
        XCTAssertTrue(eventually { (try rig.daemon.readAccount(limited)["cooldown_until"] as? Int ?? 0) > Int(Date().timeIntervalSince1970) + 500 },
                      rig.daemon.log())
        let listed = rig.daemon.cli("accounts", "show", limited, "--json")
        XCTAssertTrue(listed.stdout.contains("\"state\":\"cooling\"") || listed.stdout.contains("\"state\" : \"cooling\""), listed.stdout)
        rig.stop()
    }

    func testEveryAccountCoolingAnswers429WithRetryAfter() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1", api: "rate_limited", extra: ["rate_limit_reset_seconds": 120])
        try rig.start()
        let base = try rig.base
        // The request whose own 429 cooled the last account gets the table's answer too.
        for attempt in ["first", "second"] {
            let answer = try Client.post(base + "/v1/responses", DataPathTests.codexStream)
            XCTAssertEqual(answer.status, 429, answer.body)
            XCTAssertEqual((answer.json["error"] as? [String: Any])?["code"] as? String, "all_accounts_cooling", "\(attempt): \(answer.body)")
            let retryAfter = Int(answer.header("retry-after") ?? "") ?? 0
            XCTAssertTrue((100...121).contains(retryAfter), "\(attempt): Retry-After is the time until the account is usable: \(retryAfter)")
        }
        XCTAssertEqual(try rig.apiCalls("c1"), 1)
        rig.stop()
    }

    func testUnauthorizedMovesOnAndRefreshesTheAccount() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1", api: ["unauthorized", "ok"])
        try rig.addAccount("c2")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertTrue(answer.body.contains("sim account c2"), answer.body)
        let counters = { try XCTUnwrap(try rig.sim.account("c1")["counters"] as? [String: Any]) }
        XCTAssertTrue(eventually { try counters()["token_calls"] as? Int == 1 }, "a 401 on the request path refreshes the account\n\(rig.daemon.log())")
        XCTAssertTrue(eventually { try rig.daemon.readAccount(rig.ids["c1"]!)["access_token"] as? String != "c1-at-0" })
        XCTAssertEqual(try rig.sim.stats()["reuses"] as? Int, 0)
        rig.stop()
    }

    /// An upstream that refuses even a freshly refreshed token must not make every 401 rotate
    /// the account's tokens again (a refresh storm): one forced refresh, then the account waits
    /// for its schedule.
    func testATokenRefusedRightAfterItsRefreshIsNotRefreshedAgain() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1", api: "unauthorized")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody)
        XCTAssertEqual(answer.status, 503, answer.body)
        XCTAssertTrue(eventually { rig.daemon.log().contains("not refreshed outside the schedule") }, rig.daemon.log())
        let counters = try XCTUnwrap(try rig.sim.account("a1")["counters"] as? [String: Any])
        XCTAssertEqual(counters["token_calls"] as? Int, 1, "one forced refresh")
        XCTAssertEqual(counters["api_calls"] as? Int, 2, "the first token and its renewal, each refused once")
        rig.stop()
    }

    func testUnauthorizedOnTheOnlyAccountWaitsForItsNewToken() throws {
        let rig = try ProxyRig(provider: "claude")
        let id = try rig.addAccount("a1", api: ["unauthorized", "ok"])
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody)
        XCTAssertEqual(answer.status, 200, "retried on the same account with its refreshed token: \(answer.body)\n\(rig.daemon.log())")
        XCTAssertEqual(try rig.apiCalls("a1"), 2)
        let counters = try XCTUnwrap(try rig.sim.account("a1")["counters"] as? [String: Any])
        XCTAssertEqual(counters["token_calls"] as? Int, 1, "one refresh, however many requests saw the 401")
        XCTAssertNotEqual(try rig.daemon.readAccount(id)["access_token"] as? String, "a1-at-0")
        rig.stop()
    }

    func testOverloadInTheStreamRetriesElsewhereWithoutPenalty() throws {
        let rig = try ProxyRig(provider: "codex")
        let overloaded = try rig.addAccount("c1", api: ["overloaded_in_stream", "ok"])
        try rig.addAccount("c2")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertTrue(answer.body.contains("sim account c2"), "the failed stream never reached the client: \(answer.body)")
        XCTAssertFalse(answer.body.contains("server_is_overloaded"))
        let stored = try rig.daemon.readAccount(overloaded)
        XCTAssertNil(stored["cooldown_until"])
        XCTAssertNotEqual(stored["disabled"] as? Bool, true, "not disabled (a quota reading may have rewritten the file with false)")
        rig.stop()
    }

    func testClaudeOverloaded529MovesOn() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1", api: "overloaded")
        try rig.addAccount("a2")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertTrue(answer.body.contains("sim account a2"))
        rig.stop()
    }

    func testPayloadErrorsReachTheClientUnchangedAndSpareTheAccount() throws {
        let rig = try ProxyRig(provider: "codex")
        let id = try rig.addAccount("c1", api: "bad_request")
        try rig.addAccount("c2", api: "bad_request")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream)
        XCTAssertEqual(answer.status, 400)
        XCTAssertEqual((answer.json["error"] as? [String: Any])?["code"] as? String, "unsupported_parameter")
        XCTAssertEqual(try rig.apiCalls("c1") + rig.apiCalls("c2"), 1, "a client's mistake is not retried on another account")
        XCTAssertNil(try rig.daemon.readAccount(id)["cooldown_until"])
        rig.stop()
    }

    func testGeminiValidationRequiredDisablesTheAccount() throws {
        let rig = try ProxyRig(provider: "gemini", extraConfig: "disable-guard: 100%\n")
        let id = try rig.addAccount("g1", api: "validation_required")
        try rig.addAccount("g2")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1beta/models/gemini-2.5-pro:generateContent", DataPathTests.geminiBody)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertTrue(eventually { try rig.daemon.readAccount(id)["disabled"] as? Bool == true }, rig.daemon.log())
        XCTAssertEqual(try rig.daemon.readAccount(id)["disabled_kind"] as? String, "verification_required")
        XCTAssertEqual(try rig.daemon.readAccount(id)["disabled_reason"] as? String,
                       "validation_required: Verify your account to continue.", "the worker's message, not described twice")
        rig.stop()
    }

    func testCodexDeactivatedOnTheAPIPathDisablesTheAccount() throws {
        let rig = try ProxyRig(provider: "codex", extraConfig: "disable-guard: 100%\n", providerConfig: "    selection: fill-first\n")
        let id = try rig.addAccount("c1", api: "deactivated")
        try rig.addAccount("c2")
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream)
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.header("x-sim-account"), "c2", answer.body)
        XCTAssertEqual(try rig.apiCalls("c1"), 1, "the deactivated account was tried first")
        XCTAssertTrue(eventually { try rig.daemon.readAccount(id)["disabled"] as? Bool == true }, rig.daemon.log())
        XCTAssertEqual(try rig.daemon.readAccount(id)["disabled_kind"] as? String, "deactivated")
        rig.stop()
    }

    /// SPEC §3 `upstream.idle-timeout` reaches the worker's data path: an upstream that sends
    /// nothing for longer fails the attempt, which moves to another account before any byte.
    func testAStalledUpstreamIsCutByTheIdleTimeoutAndTheRequestMovesOn() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "upstream: {idle-timeout: 1s}\n", providerConfig: "    selection: fill-first\n")
        // A non-streaming reply under slow_stream sends nothing, headers included, until the
        // whole stream's time (3 s per word) has passed.
        try rig.addAccount("a1", api: "slow_stream", extra: ["stream_gap_ms": 3000])
        try rig.addAccount("a2")
        try rig.start()
        let started = ContinuousClock.now
        let answer = try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody)
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(answer.header("x-sim-account"), "a2", answer.body)
        XCTAssertEqual(try rig.apiCalls("a1"), 1, "the stalled account was tried first")
        XCTAssertLessThan(elapsed, .milliseconds(2900), "cut after about a second of silence, long before the stall would end")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(900), "the idle timeout, not an immediate failure")
        rig.stop()
        // SIGTERM would let the simulator finish the abandoned stall first (≈ 15 s).
        kill(rig.sim.process.processIdentifier, SIGKILL)
    }

    func testGeminiModelExhaustionCoolsOnlyThatModel() throws {
        let rig = try ProxyRig(provider: "gemini")
        try rig.addAccount("g1", api: ["rate_limited", "ok"])
        try rig.start()
        let base = try rig.base
        let pro = try Client.post(base + "/v1beta/models/gemini-2.5-pro:generateContent", DataPathTests.geminiBody)
        XCTAssertEqual(pro.status, 429, pro.body)
        let again = try Client.post(base + "/v1beta/models/gemini-2.5-pro:generateContent", DataPathTests.geminiBody)
        XCTAssertEqual(again.status, 429, "that model cools on the account: \(again.body)")
        let flash = try Client.post(base + "/v1beta/models/gemini-2.5-flash:generateContent", DataPathTests.geminiBody)
        XCTAssertEqual(flash.status, 200, "other models still use it: \(flash.body)")
        XCTAssertEqual(try rig.apiCalls("g1"), 2)
        rig.stop()
    }

    func testSessionAffinityKeepsASessionOnOneAccount() throws {
        let rig = try ProxyRig(provider: "claude")
        for name in ["a1", "a2", "a3"] { try rig.addAccount(name) }
        try rig.start()
        let base = try rig.base
        var served: Set<String> = []
        for _ in 0..<6 {
            let answer = try Client.post(base + "/v1/messages", DataPathTests.claudeBody, headers: [("x-claude-code-session-id", "s-42")])
            XCTAssertEqual(answer.status, 200)
            served.insert(answer.header("x-sim-account") ?? "")
        }
        XCTAssertEqual(served.count, 1, "one session, one account: \(served)")
        var spread: Set<String> = []
        for _ in 0..<6 {
            spread.insert(try Client.post(base + "/v1/messages", DataPathTests.claudeBody).header("x-sim-account") ?? "")
        }
        XCTAssertEqual(spread.count, 3, "without a session, round-robin spreads: \(spread)")
        rig.stop()
    }

    /// A 5xx costs the account nothing (SPEC §6.4): the request is retried elsewhere, and the
    /// session comes back to its account next time (its prompt cache is there).
    func testASessionStaysOnItsAccountAfterARetryElsewhere() throws {
        let rig = try ProxyRig(provider: "claude")
        // Each account: its first call answers, its second fails with 500, then it answers again.
        for name in ["a1", "a2", "a3"] { try rig.addAccount(name, api: ["ok", "server_error", "ok"]) }
        try rig.start()
        let base = try rig.base
        let session = [("x-claude-code-session-id", "s-7")]
        let bound = try Client.post(base + "/v1/messages", DataPathTests.claudeBody, headers: session).header("x-sim-account")
        let retried = try Client.post(base + "/v1/messages", DataPathTests.claudeBody, headers: session)
        XCTAssertEqual(retried.status, 200, retried.body)
        XCTAssertNotEqual(retried.header("x-sim-account"), bound, "the failed attempt moved this request")
        let after = try Client.post(base + "/v1/messages", DataPathTests.claudeBody, headers: session)
        XCTAssertEqual(after.status, 200, after.body)
        XCTAssertEqual(after.header("x-sim-account"), bound, "the session is back on its account")
        rig.stop()
    }

    /// SPEC §3 `max-attempts`: a request tries at most that many accounts, and when every
    /// attempt failed with a 5xx the client gets the last upstream answer as it was given.
    func testMaxAttemptsBoundsTheAccountsOneRequestTries() throws {
        let rig = try ProxyRig(provider: "claude", providerConfig: "    max-attempts: 2\n")
        let names = ["a1", "a2", "a3", "a4"]
        for name in names { try rig.addAccount(name, api: "server_error") }
        try rig.start()
        let answer = try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody)
        XCTAssertEqual(answer.status, 500, answer.body)
        XCTAssertEqual(answer.json["type"] as? String, "error", answer.body)
        let error = try XCTUnwrap(answer.json["error"] as? [String: Any], answer.body)
        XCTAssertEqual(error["type"] as? String, "api_error", "the upstream's own answer, not one of the worker's")
        XCTAssertEqual(error["message"] as? String, "Internal server error")
        XCTAssertEqual(try rig.sim.stats()["api_calls"] as? Int, 2, "two attempts in all, four accounts notwithstanding")
        XCTAssertEqual(try names.map { try rig.apiCalls($0) }.filter { $0 == 1 }.count, 2, "two accounts, once each")
        rig.stop()
    }

    /// SPEC §8: after the first byte an upstream failure is the client's to see. The stream
    /// ends without its terminating chunk, nothing is retried, and a cut (a network error,
    /// like a 5xx) costs the account nothing.
    func testAStreamCutAfterTheFirstByteReachesTheClientCutAndIsNotRetried() throws {
        let rig = try ProxyRig(provider: "claude", providerConfig: "    selection: fill-first\n")
        let cut = try rig.addAccount("a1", api: ["stream_cut", "ok"])
        try rig.addAccount("a2")
        try rig.start()
        let url = try rig.base + "/v1/messages"
        var head: HTTPResponseHead?
        var received = ""
        let result = Result { () throws(CurlError) in
            try CurlEasyClient().perform(
                HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")],
                            body: Array(DataPathTests.claudeStream.utf8), timeout: .seconds(15)),
                onHeaders: { head = $0 },
                onChunk: { received += String(decoding: $0, as: UTF8.self); return true })
        }
        guard case .failure(let error) = result else {
            return XCTFail("a cut stream must not look complete to the client: \(received)")
        }
        XCTAssertEqual(error.code, .partialBody, "the chunked body ended without its last chunk: \(error)")
        XCTAssertEqual(head?.status, 200)
        XCTAssertEqual(head?.header("x-sim-account"), "a1")
        XCTAssertTrue(received.contains("content_block_delta"), "content reached the client before the cut: \(received)")
        XCTAssertFalse(received.contains("message_stop"), received)
        XCTAssertEqual(try rig.apiCalls("a1"), 1)
        XCTAssertEqual(try rig.apiCalls("a2"), 0, "nothing is retried once the client has bytes")

        // Not penalised: still first in line (fill-first), in the worker as in the store.
        let next = try Client.post(url, DataPathTests.claudeBody)
        XCTAssertEqual(next.status, 200, next.body)
        XCTAssertEqual(next.header("x-sim-account"), "a1")
        let stored = try rig.daemon.readAccount(cut)
        XCTAssertNil(stored["cooldown_until"], "\(stored)")
        XCTAssertNotEqual(stored["disabled"] as? Bool, true, "\(stored)")
        XCTAssertNil(stored["refresh_message"], "\(stored)")
        let shown = rig.daemon.cli("accounts", "show", cut, "--json")
        let account = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], shown.stdout)
        XCTAssertEqual(account["state"] as? String, "active")
        rig.stop()
    }

    /// SPEC §6.4/§6.5 on the request path: eight requests refused together on the only account
    /// set off one refresh, and each waits for the new token and is served with it — those
    /// that arrive while the refresh runs (after the account was held out) included.
    func testConcurrentRefusalsOnTheOnlyAccountShareOneRefresh() throws {
        let rig = try ProxyRig(provider: "claude")
        // The upstream no longer accepts the stored access token (revoked): every request that
        // carries it gets 401 until the refresh, slowed to a second, brings a new one. The
        // quota was read just now, so no quota read meets the revocation first.
        let now = Int(Date().timeIntervalSince1970)
        let id = try rig.addAccount("a1", extra: ["access_token": "a1-at-revoked", "refresh": "slow", "latency_ms": 1000],
                                    fileExtra: ["quota": ["checked_at": now, "status": "ok", "windows": [] as [Any]]])
        try rig.start()
        let url = try rig.base + "/v1/messages"
        let answers = Mutex<[ClientAnswer]>([])
        let done = DispatchGroup()
        func send(_ count: Int) {
            for _ in 0..<count {
                done.enter()
                Thread.detachNewThread {
                    let answer = (try? Client.post(url, DataPathTests.claudeBody)) ?? ClientAnswer(status: -1, headers: [], body: "transport error")
                    answers.withLock { $0.append(answer) }
                    done.leave()
                }
            }
        }
        let counters = { try XCTUnwrap(try rig.sim.account("a1")["counters"] as? [String: Any]) }
        let started = ContinuousClock.now
        send(6)
        // Two more once the refresh is under way: the account is held out by then.
        XCTAssertTrue(eventually(timeout: .seconds(5)) { try counters()["token_calls"] as? Int == 1 })
        send(2)
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        let elapsed = ContinuousClock.now - started
        let all = answers.withLock { $0 }
        XCTAssertEqual(all.map(\.status), Array(repeating: 200, count: 8),
                       "every request waits for the renewed token: \(all.map(\.body))\n\(rig.daemon.log())")
        XCTAssertLessThan(elapsed, .seconds(10))
        XCTAssertEqual(try counters()["token_calls"] as? Int, 1, "one refresh however many requests saw the 401")
        XCTAssertEqual(try counters()["usage_calls"] as? Int, 0, "the refresh was the request path's")
        XCTAssertEqual(try counters()["api_calls"] as? Int, 8, "each request served once, with the new token")
        let refused = (try rig.sim.stats()["api_calls"] as? Int ?? 0) - 8
        XCTAssertTrue((1...6).contains(refused), "the first six met the revoked token, the late two did not: \(refused)")
        XCTAssertEqual(try rig.daemon.readAccount(id)["access_token"] as? String, "a1-at-1")
        rig.stop()
    }

    /// SPEC §1: a worker restart finishes the streams the old generation began.
    func testAStreamOutlivesAWorkerRestart() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1", api: "slow_stream", extra: ["stream_gap_ms": 300])
        try rig.start()
        let url = try rig.base + "/v1/responses"
        let oldPID = try rig.daemon.worker("codex").pid
        let restarted = DispatchSemaphore(value: 0)
        var received = ""
        let restartCode = Box<Int32>(-1)
        let configPath = rig.daemon.configPath
        let head = try CurlEasyClient().perform(
            HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")],
                        body: Array(DataPathTests.codexStream.utf8), timeout: .seconds(30)),
            onHeaders: { _ in },
            onChunk: { chunk in
                if received.isEmpty {
                    // Mid-stream: hand the port to a new generation while this stream runs.
                    Thread {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: TestDaemon.binary)
                        process.arguments = ["workers", "restart", "codex", "--config", configPath]
                        try? process.run()
                        process.waitUntilExit()
                        restartCode.value = process.terminationStatus
                        restarted.signal()
                    }.start()
                }
                received += String(decoding: chunk, as: UTF8.self)
                return true
            })
        XCTAssertEqual(restarted.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(restartCode.value, 0)
        XCTAssertEqual(head.status, 200)
        XCTAssertTrue(received.contains("event: response.completed"), "the old worker finished the stream: \(received)")
        XCTAssertNotEqual(try rig.daemon.worker("codex").pid, oldPID)
        XCTAssertEqual(try Client.post(url, DataPathTests.codexStream).status, 200, "the new generation serves")
        rig.stop()
    }

    func testClientDisconnectCancelsTheUpstreamTransfer() throws {
        let rig = try ProxyRig(provider: "codex")
        try rig.addAccount("c1", api: "slow_stream", extra: ["stream_gap_ms": 400])
        try rig.start()
        let url = try rig.base + "/v1/responses"
        let result = Result { () throws(CurlError) in
            try CurlEasyClient().perform(
                HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")],
                            body: Array(DataPathTests.codexStream.utf8), timeout: .seconds(30)),
                onHeaders: { _ in }, onChunk: { _ in false })
        }
        XCTAssertThrowsError(try result.get(), "the client hangs up after its first chunk")
        XCTAssertTrue(eventually(timeout: .seconds(5)) { try rig.sim.stats()["api_streams_abandoned"] as? Int == 1 },
                      "the worker cancels its upstream transfer when its client goes")
        XCTAssertEqual(try rig.sim.stats()["api_streams_open"] as? Int, 0)
        rig.stop()
    }
}

/// A value handed between a test and a thread it starts (the test waits on a semaphore).
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
