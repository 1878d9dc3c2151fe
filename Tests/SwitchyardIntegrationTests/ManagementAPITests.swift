import Foundation
import XCTest

/// The management API's key and error shape (SPEC §9); `management.key` is applied by reload (§3).
final class ManagementAPITests: XCTestCase {
    func testKeyGuardsEverythingButTheHealthCheck() throws {
        let daemon = try TestDaemon(providers: ["codex"])
        try setManagementKey("first-key", in: daemon)
        try daemon.startDaemon()
        let base = try managementURL(daemon)
        XCTAssertEqual(try daemon.get(base + "/healthz").status, 200)
        let refused: [[(name: String, value: String)]] = [
            [], bearer("wrong"), bearer("first-ke"), bearer("first-key2"), [("Authorization", "Basic first-key")],
            [("Authorization", "first-key")],
        ]
        for headers in refused {
            for path in ["/v0/status", "/v0/accounts", "/v0/nosuch", "/metrics"] {
                let answer = try daemon.get(base + path, headers: headers)
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

    private func managementURL(_ daemon: TestDaemon) throws -> String {
        "http://" + (try XCTUnwrap(daemon.status()["management"] as? String))
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
