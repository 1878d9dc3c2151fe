import Foundation
import Synchronization
import SwitchyardCurl
import XCTest

/// The management API's key and error shape (SPEC §9); `management.key` is applied by reload (§3).
final class ManagementAPITests: XCTestCase {
    func testKeyGuardsEverythingButTheHealthCheck() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try setManagementKey("first-key", in: daemon)
        try daemon.startDaemon()
        let address = try managementAddress(daemon)
        let base = "http://" + address
        let health = try daemon.fetch(base + "/healthz")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.header("content-type"), "application/json")
        XCTAssertEqual(String(decoding: health.body, as: UTF8.self), #"{"status":"ok"}"#)
        let refused: [[(name: String, value: String)]] = [
            [], bearer("wrong"), bearer("first-ke"), bearer("first-key2"), [("Authorization", "Basic first-key")],
            [("Authorization", "first-key")],
        ]
        // Each refused header from its own address, four failures each: below the throttle's
        // allowance, so this checks the answers, not the slowing down (tested below).
        for (index, headers) in refused.enumerated() {
            for path in ["/v0/status", "/v0/accounts", "/v0/nosuch", "/metrics"] {
                let answer = try LoopbackClient.get(address, path, headers: headers, from: "127.0.0.\(10 + index)")
                XCTAssertEqual(answer.status, 401, "\(path) \(headers)")
                XCTAssertEqual(try errorCode(answer.body), "unauthorized", answer.body)
            }
        }
        for scheme in ["Bearer", "bearer", "BEARER"] {
            let answer = try daemon.get(base + "/v0/status", headers: [("Authorization", "\(scheme) first-key")])
            XCTAssertEqual(answer.status, 200, scheme)
        }
        // With the key, an unknown path is a 404 in the same shape.
        let unknown = try daemon.get(base + "/v0/nosuch", headers: bearer("first-key"))
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(try errorCode(unknown.body), "not_found", unknown.body)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testReloadAddsChangesAndRemovesTheKey() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try daemon.startDaemon()
        let base = try managementURL(daemon)
        XCTAssertEqual(try daemon.get(base + "/v0/status").status, 200, "no key set: open")
        for path in ["/v0/nosuch", "/nosuch", "/v0/accounts/codex-000000000000"] {
            let missing = try daemon.get(base + path)
            XCTAssertEqual(missing.status, 404, path)
            XCTAssertEqual(try errorCode(missing.body), "not_found", "\(path): \(missing.body)")
        }

        try setManagementKey("one", in: daemon)
        let added = daemon.cli("reload")
        XCTAssertEqual(added.code, 0, added.stderr)
        XCTAssertEqual(added.stderr, "", "management.key is applied live")
        XCTAssertEqual(try daemon.get(base + "/v0/status").status, 401)
        XCTAssertEqual(try daemon.get(base + "/v0/status", headers: bearer("one")).status, 200)

        try setManagementKey("two", in: daemon)
        XCTAssertEqual(daemon.cli("reload").code, 0)
        XCTAssertEqual(try daemon.get(base + "/v0/status", headers: bearer("one")).status, 401, "the old key stops working")
        XCTAssertEqual(try daemon.get(base + "/v0/status", headers: bearer("two")).status, 200)

        try setManagementKey(nil, in: daemon)
        XCTAssertEqual(daemon.cli("reload").code, 0)
        XCTAssertEqual(try daemon.get(base + "/v0/status").status, 200)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// SPEC §9: "repeated failures from one address are slowed down". The throttle's policy
    /// (FailureThrottle): five free failures, then 100 ms doubling up to 4 s.
    func testRepeatedWrongKeysFromOneAddressAreAnsweredLate() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try setManagementKey("right-key", in: daemon)
        try daemon.startDaemon()
        let address = try managementAddress(daemon)
        let status = "http://\(address)/v0/status"
        var took: [Duration] = []
        for attempt in 1...10 {
            let started = ContinuousClock.now
            XCTAssertEqual(try daemon.get(status, headers: bearer("wrong-\(attempt)")).status, 401)
            took.append(ContinuousClock.now - started)
        }
        XCTAssertLessThan(took[0], .seconds(1), "the first wrong key is answered at once")
        XCTAssertGreaterThanOrEqual(took[9], .milliseconds(1600), "the 10th waits 100 ms × 2⁴")
        XCTAssertGreaterThan(took[9], took[0] + .seconds(1))
        XCTAssertTrue(daemon.log().contains("answers to this address are slowed down"), daemon.log())

        // The 11th wrong key waits 3.2 s on its own thread; meanwhile the right key from the
        // same address and a wrong key from other addresses are answered at once.
        let slow = SlowAnswer()
        let slowStarted = ContinuousClock.now
        Thread.detachNewThread {
            let request = HTTPRequest(url: status, headers: [("Authorization", "Bearer wrong-11")], timeout: .seconds(10))
            slow.finish(status: (try? CurlEasyClient().perform(request))?.status ?? 0)
        }
        var meanwhile: [(started: ContinuousClock.Instant, ended: ContinuousClock.Instant)] = []
        for index in 0..<12 where ContinuousClock.now < slowStarted + .milliseconds(2500) {
            let started = ContinuousClock.now
            XCTAssertEqual(try daemon.get(status, headers: bearer("right-key")).status, 200)
            let other = try LoopbackClient.get(address, "/v0/status", headers: bearer("wrong"), from: "127.0.0.\(20 + index)")
            XCTAssertEqual(other.status, 401)
            meanwhile.append((started, ContinuousClock.now))
            usleep(150_000)  // pacing only: spreads the requests over the slow answer's wait
        }
        let (slowStatus, slowEnded) = try XCTUnwrap(slow.wait(timeout: .seconds(15)))
        XCTAssertEqual(slowStatus, 401)
        XCTAssertGreaterThanOrEqual(slowEnded - slowStarted, .milliseconds(3200))
        for request in meanwhile { XCTAssertLessThan(request.ended - request.started, .seconds(1)) }
        // The server slept the 11th answer through some 3.2 s window inside
        // [slowStarted, slowEnded]; pairs wholly inside [slowEnded - 3.2 s, slowStarted + 3.2 s]
        // were certainly served during that sleep.
        let overlapped = meanwhile.filter { $0.started >= slowEnded - .milliseconds(3200) && $0.ended <= slowStarted + .milliseconds(3200) }
        XCTAssertGreaterThanOrEqual(overlapped.count, 3, "\(meanwhile.count) pairs, slow answer took \(slowEnded - slowStarted)")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// `management` in status is the address the listener got (SPEC §2): `localhost` as the IP
    /// it resolved to, port 0 as the real port; and every key is there.
    func testStatusReportsTheBoundManagementAddress() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try daemon.editConfig { $0.replacingOccurrences(of: "management:\n  listen: 127.0.0.1:0\n", with: "management:\n  listen: localhost:0\n") }
        try daemon.startDaemon()
        let status = try daemon.status()
        let management = try XCTUnwrap(status["management"] as? String)
        XCTAssertNotNil(management.wholeMatch(of: /(127\.0\.0\.1|\[::1\]):[1-9][0-9]*/), management)
        XCTAssertEqual(try daemon.get("http://\(management)/healthz").status, 200)
        let api = try daemon.get("http://\(management)/v0/status")
        let viaAPI = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
        XCTAssertEqual(viaAPI["management"] as? String, management)
        let workers = try XCTUnwrap(status["workers"] as? [[String: Any]])
        for row in workers {
            XCTAssertEqual(Set(row.keys), ["provider", "pid", "state", "generation", "restarts", "listen"])
        }
        XCTAssertEqual(Set(status.keys), ["pid", "uptime_seconds", "config", "management", "workers", "providers", "problems"])
        XCTAssertEqual(daemon.cli("stop").code, 0)

        // Every interface (which the config allows only with a key): the address as bound, with the real port.
        try daemon.editConfig { $0.replacingOccurrences(of: "listen: localhost:0\n", with: "listen: 0.0.0.0:0\n  key: any-key\n") }
        try daemon.startDaemon()
        let wildcard = try XCTUnwrap(daemon.status()["management"] as? String)
        XCTAssertNotNil(wildcard.wholeMatch(of: /0\.0\.0\.0:[1-9][0-9]*/), wildcard)
        let port = try XCTUnwrap(wildcard.split(separator: ":").last)
        XCTAssertEqual(try daemon.get("http://127.0.0.1:\(port)/healthz").status, 200)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    private func managementAddress(_ daemon: TestDaemon) throws -> String {
        try XCTUnwrap(daemon.status()["management"] as? String)
    }

    private func managementURL(_ daemon: TestDaemon) throws -> String {
        "http://" + (try managementAddress(daemon))
    }

    private func bearer(_ key: String) -> [(name: String, value: String)] {
        [("Authorization", "Bearer \(key)")]
    }

    /// `error.code` of a `{"error":{"code","message"}}` body, which must carry a message too.
    private func errorCode(_ body: String) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        XCTAssertFalse((error?["message"] as? String ?? "").isEmpty, body)
        return error?["code"] as? String
    }

    /// Sets (or with nil removes) `management.key` in the daemon's config file.
    private func setManagementKey(_ key: String?, in daemon: TestDaemon) throws {
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "\n  key: [^\n]*", with: "", options: .regularExpression)
        if let key {
            yaml = yaml.replacingOccurrences(of: "management:\n  listen: 127.0.0.1:0\n", with: "management:\n  listen: 127.0.0.1:0\n  key: \(key)\n")
            XCTAssertTrue(yaml.contains("  key: \(key)\n"))
        }
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
    }
}

/// The outcome of one request made on another thread, with when it ended.
private final class SlowAnswer: Sendable {
    private let outcome = Mutex<(status: Int, ended: ContinuousClock.Instant)?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(status: Int) {
        outcome.withLock { $0 = (status, ContinuousClock.now) }
        done.signal()
    }

    func wait(timeout: Duration) -> (status: Int, ended: ContinuousClock.Instant)? {
        guard done.wait(timeout: .now() + .seconds(Int(timeout.components.seconds))) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}
