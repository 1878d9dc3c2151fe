import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The original bug reports (seeds 000–002) replayed end to end against the simulator: what the
/// quota path, the forced refresh and a disabled account do together (SPEC §6.3, §6.7, §9).
final class SeedScenarioTests: XCTestCase {
    private func daemon(_ sim: Simulator, provider: String) throws -> TestDaemon {
        let daemon = try TestDaemon(providers: [provider], upstreams: [provider: sim.providerConfig(provider)])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml += "refresh-backoff: {initial: 1s, max: 2s}\n"
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        return daemon
    }

    @discardableResult
    private func simAccount(_ sim: Simulator, provider: String, id: String, refresh: String, usage: String) throws -> [String: Any] {
        try sim.post("/_sim/accounts", [
            "provider": provider, "id": id, "refresh_token": "\(id)-rt-0", "access_token": "\(id)-at-0",
            "refresh": refresh, "usage": usage, "api": "ok", "email": "\(id)@example.com",
        ])
    }

    private func counter(_ sim: Simulator, _ id: String, _ name: String) throws -> Int {
        try XCTUnwrap((try sim.account(id)["counters"] as? [String: Any])?[name] as? Int)
    }

    /// Seed 002, the reviewer's case: the quota read's 401 forces a refresh, and that refresh's
    /// 403 is a refresh failure (backoff armed), not a quota verdict and not a disable.
    func testClaudeQuota401ThenRefresh403ArmsTheRefreshBackoffOnly() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "claude", id: "k1", refresh: "org_forbidden", usage: "unauthorized")
        let daemon = try daemon(sim, provider: "claude")
        let id = "claude-000000000001"
        // Valid for hours: no refresh is due, so the only refresh is the one the quota 401 forces.
        try daemon.writeAccount(id: id, provider: "claude", refreshToken: "k1-rt-0", accessToken: "k1-at-0", expiresIn: 7200)
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount(id)["refresh_status"] as? String == "failing" }, daemon.log())
        let stored = try daemon.readAccount(id)
        XCTAssertGreaterThanOrEqual(try counter(sim, "k1", "usage_calls"), 1, "the refresh came from the quota path")
        XCTAssertGreaterThanOrEqual(try counter(sim, "k1", "token_calls"), 1)
        XCTAssertNotNil(stored["next_refresh_at"], "the refresh 403 arms the refresh backoff: \(stored)")
        XCTAssertNotEqual(stored["disabled"] as? Bool, true, "\(stored)")
        XCTAssertNotEqual((stored["quota"] as? [String: Any])?["status"] as? String, "unavailable",
                          "a refresh 403 is not a quota 403: \(stored)")
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// Seed 001: a Codex refresh token the upstream calls expired disables the account, also
    /// when the refresh was forced by a quota read's 401.
    func testCodexQuota401ThenTokenExpiredDisablesReauthRequired() throws {
        let sim = try Simulator()
        let registered = try simAccount(sim, provider: "codex", id: "c1", refresh: "token_expired", usage: "unauthorized")
        let daemon = try daemon(sim, provider: "codex")
        let id = "codex-000000000001"
        try daemon.writeAccount(id: id, provider: "codex", refreshToken: "c1-rt-0", accessToken: "c1-at-0", expiresIn: 7200,
                                extra: ["chatgpt_account_id": registered["chatgpt_account_id"] as? String ?? ""])
        try daemon.startDaemon()
        XCTAssertTrue(eventually { try daemon.readAccount(id)["disabled"] as? Bool == true }, daemon.log())
        let stored = try daemon.readAccount(id)
        XCTAssertEqual(stored["disabled_kind"] as? String, "reauth_required", "\(stored)")
        XCTAssertTrue((stored["refresh_message"] as? String ?? "").contains("token_expired"), "\(stored)")
        XCTAssertGreaterThanOrEqual(try counter(sim, "c1", "usage_calls"), 1, "the refresh came from the quota path")
        XCTAssertEqual(try counter(sim, "c1", "token_calls"), 1)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// Seed 000: an account disabled on disk is never refreshed nor read for quota, the
    /// schedulers say so, and an operator's refresh of it is refused (409 → exit 1).
    func testAnAccountDisabledOnDiskIsSkipped() throws {
        let sim = try Simulator()
        try simAccount(sim, provider: "claude", id: "g1", refresh: "ok", usage: "ok")
        try simAccount(sim, provider: "claude", id: "g2", refresh: "ok", usage: "ok")
        let daemon = try daemon(sim, provider: "claude")
        let off = "claude-000000000001"
        // Due for refresh now: only the flag keeps the schedulers away.
        try daemon.writeAccount(id: off, provider: "claude", refreshToken: "g1-rt-0", accessToken: "g1-at-0",
                                extra: ["disabled": true, "disabled_at": Int(Date().timeIntervalSince1970) - 60,
                                        "disabled_reason": "revoked"])
        try daemon.writeAccount(id: "claude-000000000002", provider: "claude", refreshToken: "g2-rt-0", accessToken: "g2-at-0",)
        try daemon.startDaemon()
        XCTAssertTrue(eventually { daemon.log().contains("Skipping \(off) (disabled)") }, daemon.log())
        // The healthy neighbour is refreshed: the schedulers ran, and passed the disabled one by.
        XCTAssertTrue(eventually { try self.counter(sim, "g2", "token_calls") >= 1 }, daemon.log())
        usleep(2_000_000)
        XCTAssertEqual(try counter(sim, "g1", "token_calls"), 0)
        XCTAssertEqual(try counter(sim, "g1", "usage_calls"), 0)
        let refresh = daemon.cli("accounts", "refresh", off)
        XCTAssertEqual(refresh.code, 1, "409 conflict: \(refresh.stdout) \(refresh.stderr)")
        let message = refresh.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(message.isEmpty)
        XCTAssertFalse(message.contains("\n"), "one line: \(message)")
        XCTAssertEqual(try counter(sim, "g1", "token_calls"), 0, "the refused refresh called nothing")
        XCTAssertEqual(try daemon.readAccount(off)["disabled"] as? Bool, true)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }
}
