import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The account lifecycle against the simulator, one test per seed scenario (SPEC §6).
final class RefreshLifecycleTests: XCTestCase {
    private func installation(_ sim: Simulator, providers: [String], extra: String = "") throws -> TestDaemon {
        let upstreams = Dictionary(uniqueKeysWithValues: providers.map { ($0, sim.providerConfig($0)) })
        let daemon = try TestDaemon(providers: providers, upstreams: upstreams)
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml += "refresh-backoff: {initial: 1s, max: 2s}\n" + extra
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        return daemon
    }

    private func simAccount(_ sim: Simulator, provider: String, id: String, refresh: Any = "ok", extra: [String: Any] = [:]) throws {
        var body: [String: Any] = [
            "provider": provider, "id": id, "refresh_token": "\(id)-rt-0", "access_token": "\(id)-at-0",
            "refresh": refresh, "usage": "ok", "api": "ok", "email": "\(id)@example.com",
        ]
        body.merge(extra) { _, new in new }
        try sim.post("/_sim/accounts", body)
    }

    private func tokenCalls(_ sim: Simulator, _ id: String) throws -> Int {
        let counters = try XCTUnwrap(sim.account(id)["counters"] as? [String: Any])
        return try XCTUnwrap(counters["token_calls"] as? Int)
    }

    func testSuccessfulRefreshStoresRotatedTokens() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "codex", id: "ok1")
        let daemon = try installation(sim, providers: ["codex"])
        try daemon.writeAccount(id: "codex-000000000001", provider: "codex", refreshToken: "ok1-rt-0", accessToken: "ok1-at-0")
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount("codex-000000000001")["last_refreshed_at"] != nil }, daemon.log())
        let stored = try daemon.readAccount("codex-000000000001")
        let upstream = try sim.account("ok1")
        XCTAssertEqual(stored["refresh_token"] as? String, upstream["refresh_token"] as? String)
        XCTAssertEqual(stored["access_token"] as? String, upstream["access_token"] as? String)
        XCTAssertNotEqual(stored["refresh_token"] as? String, "ok1-rt-0")
        XCTAssertEqual(stored["refresh_status"] as? String, "ok")
        XCTAssertGreaterThan(stored["expires_at"] as? Int ?? 0, Int(Date().timeIntervalSince1970) + 3600)
        XCTAssertEqual(try sim.stats()["reuses"] as? Int, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: daemon.stateDir + "/pending"))
        XCTAssertTrue(eventually { (try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/pending"))?.filter { $0.hasSuffix(".json") }.isEmpty == true })
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testGoogleInvalidGrantDisablesForGood() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "gemini", id: "g1", refresh: "invalid_grant")
        let daemon = try installation(sim, providers: ["gemini"])
        try daemon.writeAccount(id: "gemini-000000000001", provider: "gemini", refreshToken: "g1-rt-0", accessToken: "g1-at-0")
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount("gemini-000000000001")["disabled"] as? Bool == true }, daemon.log())
        let stored = try daemon.readAccount("gemini-000000000001")
        XCTAssertEqual(stored["disabled_kind"] as? String, "reauth_required")
        XCTAssertEqual(stored["refresh_status"] as? String, "failed")
        XCTAssertNil(stored["last_refreshed_at"], "a permanent failure is never a successful refresh")
        XCTAssertTrue((stored["refresh_message"] as? String ?? "").contains("invalid_grant"))
        XCTAssertTrue((stored["disabled_reason"] as? String ?? "").contains("invalid_grant"))
        let calls = try tokenCalls(sim, "g1")
        usleep(3_000_000)  // three backoff periods: a transient failure would have been retried by now
        XCTAssertEqual(try tokenCalls(sim, "g1"), calls, "a revoked token is never retried")
        let health = try daemon.get("http://\(try daemon.worker("gemini").listen)/healthz")
        XCTAssertTrue(health.body.contains("\"accounts\":0"), "a disabled account leaves the pool: \(health.body)")
        XCTAssertTrue(daemon.log().contains("gemini-000000000001"))
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testCodexTokenExpiredAndReusedDisable() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "codex", id: "c1", refresh: "token_expired")
        try simAccount(sim, provider: "codex", id: "c2", refresh: "refresh_token_reused")
        try simAccount(sim, provider: "codex", id: "c3")
        try simAccount(sim, provider: "codex", id: "c4")
        let daemon = try installation(sim, providers: ["codex"])
        for index in 1...4 {
            try daemon.writeAccount(id: "codex-00000000000\(index)", provider: "codex", refreshToken: "c\(index)-rt-0", accessToken: "c\(index)-at-0")
        }
        try daemon.startDaemon()
        for (index, code) in [(1, "token_expired"), (2, "refresh_token_reused")] {
            let id = "codex-00000000000\(index)"
            XCTAssertTrue(eventually { try daemon.readAccount(id)["disabled"] as? Bool == true }, daemon.log())
            let stored = try daemon.readAccount(id)
            XCTAssertEqual(stored["disabled_kind"] as? String, "reauth_required")
            XCTAssertTrue((stored["refresh_message"] as? String ?? "").contains(code), "\(stored)")
        }
        let list = daemon.cli("accounts", "list", "--state", "disabled", "--json")
        XCTAssertTrue(list.stdout.contains("codex-000000000001") && list.stdout.contains("codex-000000000002"))
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testClaudeRefresh403BacksOffWithoutDisabling() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "claude", id: "k1", refresh: "org_forbidden")
        let daemon = try installation(sim, providers: ["claude"])
        try daemon.writeAccount(id: "claude-000000000001", provider: "claude", refreshToken: "k1-rt-0", accessToken: "k1-at-0")
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount("claude-000000000001")["refresh_status"] as? String == "failing" }, daemon.log())
        let stored = try daemon.readAccount("claude-000000000001")
        XCTAssertNotEqual(stored["disabled"] as? Bool, true)
        XCTAssertNotNil(stored["next_refresh_at"], "a refresh 403 arms the refresh backoff")
        XCTAssertGreaterThanOrEqual(stored["refresh_failures"] as? Int ?? 0, 1)
        XCTAssertTrue(eventually(timeout: .seconds(8)) { try self.tokenCalls(sim, "k1") >= 2 }, "retried after its backoff")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// A token endpoint answering 200 with a body that is no token response is a transient
    /// failure named for what it is (SPEC §6.2), not a network error.
    func testAMalformedTokenResponseBacksOffAndSaysSo() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "codex", id: "m1", refresh: "malformed")
        let daemon = try installation(sim, providers: ["codex"])
        try daemon.writeAccount(id: "codex-000000000001", provider: "codex", refreshToken: "m1-rt-0", accessToken: "m1-at-0")
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount("codex-000000000001")["refresh_status"] as? String == "failing" }, daemon.log())
        let stored = try daemon.readAccount("codex-000000000001")
        XCTAssertEqual(stored["refresh_message"] as? String, "malformed response (HTTP 200)")
        XCTAssertNotEqual(stored["disabled"] as? Bool, true)
        XCTAssertNil(stored["last_refreshed_at"], "not a successful refresh")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// A worker that cannot journal a refresh result still reports it: the upstream has
    /// rotated the token, and the store is then its only way to disk. The next refresh must
    /// present the new token, never the consumed one.
    func testAFailedJournalWriteLosesNoRotatedToken() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "codex", id: "j1")
        let daemon = try installation(sim, providers: ["codex"])
        let id = "codex-000000000001"
        try daemon.writeAccount(id: id, provider: "codex", refreshToken: "j1-rt-0", accessToken: "j1-at-0")
        try daemon.startDaemon(environment: ["SWITCHYARD_FAULT": "journal-write"])
        let holdsTheNewest = {
            let stored = try daemon.readAccount(id)["refresh_token"] as? String
            return try stored != "j1-rt-0" && stored == sim.account("j1")["refresh_token"] as? String
        }
        XCTAssertTrue(eventually { try self.tokenCalls(sim, "j1") == 1 && holdsTheNewest() }, daemon.log())
        XCTAssertTrue(daemon.log().contains("cannot journal a refresh result"), "the fault was armed")
        let again = daemon.cli("accounts", "refresh", id)
        XCTAssertEqual(again.code, 0, again.stderr)
        XCTAssertTrue(eventually { try self.tokenCalls(sim, "j1") == 2 && holdsTheNewest() }, daemon.log())
        XCTAssertEqual(try sim.stats()["reuses"] as? Int, 0, "the consumed token was never presented again")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testConcurrencyBoundHoldsAtTheSimulator() throws {
        let sim = try Simulator(tokenLatency: "100ms")
        let daemon = try installation(sim, providers: ["codex"], extra: "refresh-concurrency: 4\n")
        for index in 0..<40 {
            try simAccount(sim, provider: "codex", id: "n\(index)")
            try daemon.writeAccount(id: String(format: "codex-%012d", index), provider: "codex",
                                    refreshToken: "n\(index)-rt-0", accessToken: "n\(index)-at-0")
        }
        try daemon.startDaemon()
        XCTAssertTrue(eventually(timeout: .seconds(20)) { try sim.stats()["token_calls"] as? Int == 40 }, daemon.log())
        let stats = try sim.stats()
        XCTAssertEqual(stats["token_in_flight_max"] as? Int, 4, "\(stats)")
        XCTAssertEqual(stats["reuses"] as? Int, 0)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testBurstDelaySpacesDispatchesAndReloadAppliesLive() throws {
        let sim = try Simulator()
        let daemon = try installation(sim, providers: ["claude"], extra: "refresh-burst-delay: 200ms\n")
        for index in 0..<6 {
            try simAccount(sim, provider: "claude", id: "b\(index)")
            try daemon.writeAccount(id: String(format: "claude-%012d", index), provider: "claude",
                                    refreshToken: "b\(index)-rt-0", accessToken: "b\(index)-at-0")
        }
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try sim.stats()["token_calls"] as? Int == 6 }, daemon.log())
        let starts = try sim.stats()["token_call_starts_ms"] as? [Int] ?? []
        XCTAssertEqual(starts.count, 6)
        for (earlier, later) in zip(starts, starts.dropFirst()) {
            XCTAssertGreaterThanOrEqual(later - earlier, 190, "dispatches \(starts) must be ≥ 200 ms apart")
        }

        // Live reload: no spacing, concurrency 1 → strictly one call at a time.
        try sim.post("/_sim/reset-stats", [:])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "refresh-burst-delay: 200ms\n", with: "refresh-burst-delay: 0s\nrefresh-concurrency: 1\n")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(daemon.cli("reload").code, 0)
        for index in 0..<6 {
            try sim.post("/_sim/accounts/b\(index)", ["latency_ms": 100, "refresh": "slow"])
            XCTAssertEqual(daemon.cli("accounts", "refresh", String(format: "claude-%012d", index)).code, 0)
        }
        XCTAssertTrue(eventually { try sim.stats()["token_calls"] as? Int == 6 }, daemon.log())
        XCTAssertEqual(try sim.stats()["token_in_flight_max"] as? Int, 1)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testDisableGuardHoldsHalfOfAnOutage() throws {
        let sim = try Simulator()
        let daemon = try installation(sim, providers: ["codex"], extra: "disable-guard: 50%\n")
        for index in 1...4 {
            try simAccount(sim, provider: "codex", id: "o\(index)", refresh: "token_expired")
            try daemon.writeAccount(id: "codex-00000000000\(index)", provider: "codex", refreshToken: "o\(index)-rt-0", accessToken: "o\(index)-at-0")
        }
        try daemon.startDaemon()
        XCTAssertTrue(eventually {
            try (1...4).allSatisfy { try daemon.readAccount("codex-00000000000\($0)")["refresh_status"] != nil }
        }, daemon.log())
        usleep(2_500_000)  // held ones are retried with backoff; they must stay held
        let states = try (1...4).map { try daemon.readAccount("codex-00000000000\($0)") }
        let disabled = states.filter { $0["disabled"] as? Bool == true }
        let held = states.filter { ($0["refresh_message"] as? String ?? "").hasPrefix("held: possible upstream outage") }
        XCTAssertEqual(disabled.count, 2, "⌊50% × 4⌋ may be disabled")
        XCTAssertEqual(held.count, 2)
        XCTAssertTrue(held.allSatisfy { $0["refresh_status"] as? String == "failing" })
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testImportingNewCredentialsClearsADisabledAccount() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "codex", id: "r1", refresh: "token_expired")
        let daemon = try installation(sim, providers: ["codex"])
        try daemon.writeAccount(id: "codex-000000000001", provider: "codex", refreshToken: "r1-rt-0", accessToken: "r1-at-0")
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount("codex-000000000001")["disabled"] as? Bool == true }, daemon.log())
        // The owner logs in again: the simulator now accepts a fresh token.
        try simAccount(sim, provider: "codex", id: "r1")
        let file = daemon.root + "/relogin.json"
        let fresh: [String: Any] = [
            "schema": 1, "id": "codex-000000000001", "provider": "codex", "access_token": "r1-at-0",
            "refresh_token": "r1-rt-0", "expires_at": Int(Date().timeIntervalSince1970) + 60,
        ]
        try JSONSerialization.data(withJSONObject: fresh).write(to: URL(fileURLWithPath: file))
        let run = daemon.cli("accounts", "import", file)
        XCTAssertEqual(run.stdout, "codex-000000000001 updated\n", run.stderr)
        XCTAssertTrue(eventually { try daemon.readAccount("codex-000000000001")["last_refreshed_at"] != nil }, daemon.log())
        let stored = try daemon.readAccount("codex-000000000001")
        XCTAssertNil(stored["disabled_kind"])
        XCTAssertNotEqual(stored["disabled"] as? Bool, true)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }
}

/// An operator's hand edit and the supervisor's writes (SPEC §2, §5): neither loses the other.
final class HandEditTests: XCTestCase {
    /// The edit lands while a refresh call is in flight, and the watcher is slowed down so
    /// that only the write queue's compare-before-replace can notice it: the result, which
    /// consumed the token the edit replaced, must not overwrite the imported credentials.
    func testAHandEditDuringARefreshIsNeitherLostNorOverwritten() throws {
        let sim = try Simulator()
        try sim.post("/_sim/accounts", [
            "provider": "codex", "id": "old", "refresh_token": "old-rt-0", "access_token": "old-at-0",
            "refresh": "slow", "latency_ms": 1500, "usage": "ok", "api": "ok",
        ])
        try sim.post("/_sim/accounts", [
            "provider": "codex", "id": "new", "refresh_token": "new-rt-0", "access_token": "new-at-0",
            "refresh": "ok", "usage": "ok", "api": "ok",
        ])
        let daemon = try TestDaemon(providers: ["codex"], upstreams: ["codex": sim.providerConfig("codex")])
        let id = "codex-000000000001"
        try daemon.writeAccount(id: id, provider: "codex", refreshToken: "old-rt-0", accessToken: "old-at-0")
        try daemon.startDaemon(environment: ["SWITCHYARD_TEST_SCAN_INTERVAL_MS": "3600000"])
        XCTAssertTrue(eventually { (try sim.stats()["token_calls"] as? Int ?? 0) >= 1 }, daemon.log())

        // New credentials copied in by hand, not due for a day.
        try daemon.writeAccount(id: id, provider: "codex", refreshToken: "new-rt-0", accessToken: "new-at-0",
                                expiresIn: 86_400, extra: ["label": "copied by hand"])
        XCTAssertTrue(eventually { try sim.account("old")["refresh_token"] as? String != "old-rt-0" }, "the slow refresh completes upstream")
        XCTAssertTrue(eventually { daemon.log().contains("account files changed by another writer") }, daemon.log())
        XCTAssertTrue(eventually { (try? FileManager.default.contentsOfDirectory(atPath: daemon.stateDir + "/pending"))?
            .filter { $0.hasSuffix(".json") }.isEmpty == true }, "the result is acknowledged")

        let stored = try daemon.readAccount(id)
        XCTAssertEqual(stored["refresh_token"] as? String, "new-rt-0", "the imported token is kept")
        XCTAssertEqual(stored["access_token"] as? String, "new-at-0")
        XCTAssertEqual(stored["label"] as? String, "copied by hand")
        // The registry took the edit in without the watcher: the API shows it.
        let shown = daemon.cli("accounts", "show", id)
        XCTAssertTrue(shown.stdout.contains("copied by hand"), shown.stdout + shown.stderr)
        XCTAssertEqual(try sim.stats()["reuses"] as? Int, 0)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }
}

/// Quota reads (SPEC §6.3): their own schedule and backoff, apart from refreshes.
final class QuotaReadTests: XCTestCase {
    /// A usage endpoint that calls every account deactivated (an outage, a bad deploy) goes
    /// through the disable guard like any other source (SPEC §6.8): half disabled, half held.
    func testQuotaDeactivationsGoThroughTheDisableGuard() throws {
        let sim = try Simulator()
        let daemon = try TestDaemon(providers: ["claude"], upstreams: ["claude": sim.providerConfig("claude")])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml += "disable-guard: 50%\n"
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let ids = (1...4).map { "claude-00000000000\($0)" }
        for (index, id) in ids.enumerated() {
            try sim.post("/_sim/accounts", [
                "provider": "claude", "id": "q\(index)", "refresh_token": "q\(index)-rt-0", "access_token": "q\(index)-at-0",
                "refresh": "ok", "usage": "deactivated",
            ])
            // Tokens valid for hours: only the quota reads run.
            try daemon.writeAccount(id: id, provider: "claude", refreshToken: "q\(index)-rt-0", accessToken: "q\(index)-at-0", expiresIn: 7200)
        }
        try daemon.startDaemon()
        let isHeld = { (account: [String: Any]) in (account["refresh_message"] as? String ?? "").hasPrefix("held: possible upstream outage") }
        XCTAssertTrue(eventually {
            try ids.map { try daemon.readAccount($0) }.allSatisfy { $0["disabled"] as? Bool == true || isHeld($0) }
        }, daemon.log())
        let states = try ids.map { try daemon.readAccount($0) }
        XCTAssertEqual(states.filter { $0["disabled"] as? Bool == true }.count, 2, "⌊50% × 4⌋ may be disabled")
        XCTAssertEqual(states.filter(isHeld).count, 2)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// SPEC §6.3: a quota read refused with 401 forces one refresh and is retried once — with
    /// the new token, however long the refresh takes (here longer than a fixed retry delay
    /// would wait: such a retry would have sent the refused token again).
    func testQuota401IsRetriedWithTheRefreshedToken() throws {
        let sim = try Simulator()
        try sim.post("/_sim/accounts", [
            "provider": "claude", "id": "u1", "refresh_token": "u1-rt-0", "access_token": "u1-at-1",
            "refresh": "slow", "latency_ms": 6000, "usage": "ok",
        ])
        let daemon = try TestDaemon(providers: ["claude"], upstreams: ["claude": sim.providerConfig("claude")])
        // A stale access token (the upstream knows only u1-at-1), valid for hours by its expiry.
        try daemon.writeAccount(id: "claude-000000000001", provider: "claude", refreshToken: "u1-rt-0",
                                accessToken: "u1-at-0", expiresIn: 7200)
        try daemon.startDaemon()
        XCTAssertTrue(eventually(timeout: .seconds(20)) {
            (try daemon.readAccount("claude-000000000001")["quota"] as? [String: Any])?["status"] as? String == "ok"
        }, daemon.log())
        let stored = try daemon.readAccount("claude-000000000001")
        XCTAssertNotEqual(stored["access_token"] as? String, "u1-at-0")
        XCTAssertEqual(try sim.stats()["token_calls"] as? Int, 1, "one forced refresh")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testClaudeUsage403RecordsUnavailableAndArmsNoBackoff() throws {
        let sim = try Simulator()
        try sim.post("/_sim/accounts", [
            "provider": "claude", "id": "u1", "refresh_token": "u1-rt-0", "access_token": "u1-at-0",
            "refresh": "ok", "usage": "forbidden",
        ])
        let daemon = try TestDaemon(providers: ["claude"], upstreams: ["claude": sim.providerConfig("claude")])
        // Tokens valid for hours: no refresh is due, only the quota read.
        try daemon.writeAccount(id: "claude-000000000001", provider: "claude", refreshToken: "u1-rt-0",
                                accessToken: "u1-at-0", expiresIn: 7200)
        try daemon.startDaemon()
        XCTAssertTrue(eventually { (try daemon.readAccount("claude-000000000001")["quota"] as? [String: Any])?["status"] as? String == "unavailable" }, daemon.log())
        let stored = try daemon.readAccount("claude-000000000001")
        let quota = try XCTUnwrap(stored["quota"] as? [String: Any])
        XCTAssertTrue((quota["message"] as? String ?? "").contains("permission_error"), "the 403's own message: \(quota)")
        let nextCheck = try XCTUnwrap(quota["next_check_at"] as? Int)
        XCTAssertGreaterThanOrEqual(nextCheck, Int(Date().timeIntervalSince1970) + 290, "the next read waits the whole quota-interval (5m): no backoff step")
        XCTAssertNil(stored["refresh_status"], "a quota 403 touches no refresh field")
        XCTAssertNil(stored["next_refresh_at"])
        XCTAssertNotEqual(stored["disabled"] as? Bool, true)
        XCTAssertEqual(try sim.stats()["token_calls"] as? Int, 0, "a quota 403 is no reason to refresh")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testCodexUsageWindowsAreStoredAndAFullWindowCools() throws {
        let sim = try Simulator()
        try sim.post("/_sim/accounts", [
            "provider": "codex", "id": "w1", "refresh_token": "w1-rt-0", "access_token": "w1-at-0",
            "refresh": "ok", "usage": "ok", "usage_percent": [100, 40], "usage_resets_in": [1800, 86400],
        ])
        let daemon = try TestDaemon(providers: ["codex"], upstreams: ["codex": sim.providerConfig("codex")])
        try daemon.writeAccount(id: "codex-000000000001", provider: "codex", refreshToken: "w1-rt-0",
                                accessToken: "w1-at-0", expiresIn: 7200, extra: ["chatgpt_account_id": try sim.account("w1")["chatgpt_account_id"] as? String ?? ""])
        try daemon.startDaemon()
        XCTAssertTrue(eventually { (try daemon.readAccount("codex-000000000001")["quota"] as? [String: Any])?["status"] as? String == "ok" }, daemon.log())
        let stored = try daemon.readAccount("codex-000000000001")
        let windows = try XCTUnwrap((stored["quota"] as? [String: Any])?["windows"] as? [[String: Any]])
        XCTAssertEqual(windows.map { $0["name"] as? String }, ["primary", "secondary"])
        XCTAssertEqual((windows.first?["used_percent"] as? NSNumber)?.doubleValue, 100)
        let cooldown = try XCTUnwrap(stored["cooldown_until"] as? Int)
        XCTAssertGreaterThan(cooldown, Int(Date().timeIntervalSince1970) + 1700, "a full window cools the account until its reset")
        XCTAssertTrue(daemon.cli("accounts", "list", "--state", "cooling").stdout.contains("codex-000000000001"))
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }
}
