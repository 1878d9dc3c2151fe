import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Account files, the CLI's account commands with and without a supervisor (SPEC §2, §5).
final class AccountsTests: XCTestCase {
    static func accountFile(id: String, provider: String, expiresIn: Int = 3600, extra: String = "") -> String {
        let expires = Int(Date().timeIntervalSince1970) + expiresIn
        return """
            {"schema": 1, "id": "\(id)", "provider": "\(provider)", "email": "owner-\(id)@example.com",
             "access_token": "at-\(id)", "refresh_token": "rt-\(id)", "expires_at": \(expires),
             "custom_field": {"kept": true}\(extra)}
            """
    }

    func testImportListShowDisableWithoutSupervisor() throws {
        let daemon = try TestDaemon()
        let file = daemon.root + "/incoming.json"
        try Self.accountFile(id: "codex-aaaaaaaaaaaa", provider: "codex").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = daemon.cli("accounts", "import", file)
        XCTAssertEqual(imported.code, 0, imported.stderr)
        XCTAssertEqual(imported.stdout, "codex-aaaaaaaaaaaa imported\n")
        XCTAssertEqual(daemon.cli("accounts", "import", file).stdout, "codex-aaaaaaaaaaaa unchanged\n")

        let stored = daemon.accountsDir + "/codex-aaaaaaaaaaaa.json"
        let attributes = try FileManager.default.attributesOfItem(atPath: stored)
        XCTAssertEqual((attributes[.posixPermissions] as? Int ?? 0) & 0o777, 0o600)

        let list = daemon.cli("accounts", "list", "--json")
        XCTAssertEqual(list.code, 0, list.stderr)
        XCTAssertFalse(list.stdout.contains("at-codex"), "listings never show tokens")
        let accounts = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        let first = try XCTUnwrap((accounts?["accounts"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["state"] as? String, "active")

        XCTAssertEqual(daemon.cli("accounts", "disable", "codex-aaaaaaaaaaaa", "--reason", "testing").code, 0)
        let shown = daemon.cli("accounts", "show", "codex-aaaaaaaaaaaa", "--json")
        XCTAssertTrue(shown.stdout.contains("\"disabled_kind\" : \"operator\""), shown.stdout)
        XCTAssertTrue(try String(contentsOfFile: stored, encoding: .utf8).contains("custom_field"), "unknown fields kept")
        XCTAssertEqual(daemon.cli("accounts", "show", "nosuch").code, 1)

        let bogus = daemon.root + "/bogus.json"
        try #"{"hello": "world"}"#.write(toFile: bogus, atomically: true, encoding: .utf8)
        let refused = daemon.cli("accounts", "import", bogus)
        XCTAssertEqual(refused.code, 1)
        XCTAssertTrue(refused.stderr.contains("Codex CLI auth.json"), refused.stderr)
    }

    /// A bulk import through a running supervisor is one request carrying every file: well
    /// over the workers' 1 MiB line bound, and still one all-or-nothing exchange.
    func testABulkImportLargerThanOneMiBGoesThroughTheSupervisor() throws {
        let daemon = try TestDaemon()
        try daemon.writeConfig(providers: ["codex"])
        try daemon.startDaemon()
        defer { daemon.cli("stop") }
        let padding = #", "notes": "\#(String(repeating: "x", count: 3000))""#
        let ids = (0..<400).map { String(format: "codex-%012x", 0xb000 + $0) }
        let files = try ids.map { id in
            let file = daemon.root + "/\(id).json"
            try Self.accountFile(id: id, provider: "codex", extra: padding).write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
        let run = daemon.cli(["accounts", "import"] + files)
        XCTAssertEqual(run.code, 0, run.stderr)
        XCTAssertEqual(run.stdout, ids.map { "\($0) imported\n" }.joined())
        XCTAssertTrue(ids.allSatisfy { FileManager.default.fileExists(atPath: daemon.accountsDir + "/\($0).json") })
    }

    func testRunningSupervisorPicksUpFilesAndReportsMalformedOnes() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        try Self.accountFile(id: "claude-bbbbbbbbbbbb", provider: "claude")
            .write(toFile: daemon.accountsDir + "/claude-bbbbbbbbbbbb.json", atomically: true, encoding: .utf8)
        let broken = daemon.accountsDir + "/claude-cccccccccccc.json"
        let brokenText = "{ this is not json"
        try brokenText.write(toFile: broken, atomically: true, encoding: .utf8)
        let seen = eventually(timeout: .seconds(3)) {
            let status = try daemon.status()
            let claude = (status["providers"] as? [String: Any])?["claude"] as? [String: Any]
            let problems = status["problems"] as? [[String: Any]] ?? []
            return claude?["active"] as? Int == 1 && problems.contains { $0["file"] as? String == "claude-cccccccccccc.json" }
        }
        XCTAssertTrue(seen, "a new file and a malformed one must show in status within 2 s")
        XCTAssertEqual(try String(contentsOfFile: broken, encoding: .utf8), brokenText, "a malformed file is never modified")
        let health = try daemon.get("http://\(try daemon.worker("claude").listen)/healthz")
        XCTAssertTrue(health.body.contains("\"accounts\":1"), health.body)

        // An edit by hand is picked up too: the account expires. (Edited once the supervisor's
        // own first write — the quota read of the new account — is done, as an operator would.)
        let path = daemon.accountsDir + "/claude-bbbbbbbbbbbb.json"
        XCTAssertTrue(eventually { try String(contentsOfFile: path, encoding: .utf8).contains("\"quota\"") })
        try Self.accountFile(id: "claude-bbbbbbbbbbbb", provider: "claude", expiresIn: -60)
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertTrue(eventually(timeout: .seconds(3)) {
            daemon.cli("accounts", "list", "--state", "expired").stdout.contains("claude-bbbbbbbbbbbb")
        })
        XCTAssertEqual(daemon.cli("accounts", "disable", "claude-bbbbbbbbbbbb").code, 0)
        let removed = eventually(timeout: .seconds(2)) {
            try daemon.get("http://\(try daemon.worker("claude").listen)/healthz").body.contains("\"accounts\":0")
        }
        XCTAssertTrue(removed, "a disabled account leaves the worker's pool")
        try FileManager.default.removeItem(atPath: daemon.accountsDir + "/claude-bbbbbbbbbbbb.json")
        XCTAssertTrue(eventually(timeout: .seconds(3)) { daemon.cli("accounts", "list").stdout.contains("claude-bbbb") == false })
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }
}
