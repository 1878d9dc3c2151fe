@testable import SwitchyardCore
import XCTest

final class ConfigValidatorTests: XCTestCase {
    private func entry(_ key: String, _ value: ConfigNode, _ line: Int) -> (key: String, value: ConfigNode, line: Int) {
        (key, value, line)
    }

    /// `providers: { <provider>: { <key>: <value> } }` with the leaf on `line`.
    private func provider(_ name: String, _ pairs: [(String, String)], line: Int) -> (key: String, value: ConfigNode, line: Int) {
        let entries = pairs.enumerated().map { offset, pair in
            entry(pair.0, .scalar(pair.1, line: line + offset), line + offset)
        }
        return entry(name, .mapping(entries), line - 1)
    }

    private func parse(_ entries: [(key: String, value: ConfigNode, line: Int)], directory: String = "/srv/sy/etc")
        -> Result<SwitchyardConfig, ConfigError> {
        Result { () throws(ConfigError) in try ConfigParser.parse(.mapping(entries), configDirectory: directory) }
    }

    private func message(_ result: Result<SwitchyardConfig, ConfigError>) -> String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }

    func testBackoffInitialMustNotExceedMax() {
        let result = parse([entry("refresh-backoff", .mapping([entry("initial", .scalar("1h", line: 3), 3)]), 3)])
        XCTAssertEqual(message(result), "refresh-backoff (line 3): initial (1h) must not exceed max (30m)")
    }

    func testEnabledProvidersNeedDistinctListenAddresses() {
        let clash = parse([entry("providers", .mapping([provider("codex", [("listen", "127.0.0.1:8401")], line: 12)]), 10)])
        XCTAssertEqual(message(clash),
                       "providers.codex.listen (line 12): 127.0.0.1:8401 is also the address of providers.claude.listen")

        let blamesWrittenOne = parse([entry("providers", .mapping([provider("claude", [("listen", "127.0.0.1:8402")], line: 3)]), 1)])
        XCTAssertEqual(message(blamesWrittenOne),
                       "providers.claude.listen (line 3): 127.0.0.1:8402 is also the address of providers.codex.listen")

        let withManagement = parse([entry("providers", .mapping([provider("gemini", [("listen", "127.0.0.1:8400")], line: 5)]), 3)])
        XCTAssertEqual(message(withManagement),
                       "providers.gemini.listen (line 5): 127.0.0.1:8400 is also the address of management.listen")

        let disabled = parse([entry("providers", .mapping([
            provider("codex", [("enabled", "false"), ("listen", "127.0.0.1:8401")], line: 3),
        ]), 1)])
        XCTAssertNil(message(disabled))

        let portZero = parse([
            entry("management", .mapping([entry("listen", .scalar("127.0.0.1:0", line: 2), 2)]), 1),
            entry("providers", .mapping([
                provider("claude", [("listen", "127.0.0.1:0")], line: 5),
                provider("codex", [("listen", "127.0.0.1:0")], line: 7),
                provider("gemini", [("listen", "127.0.0.1:0")], line: 9),
            ]), 3),
        ])
        XCTAssertNil(message(portZero))
    }

    func testNonLoopbackListenNeedsClientKeys() {
        let open = [entry("providers", .mapping([provider("codex", [("listen", "0.0.0.0:8402")], line: 4)]), 2)]
        XCTAssertEqual(message(parse(open)),
                       "providers.codex.listen (line 4): 0.0.0.0:8402 is not a loopback address, which needs client-keys set "
                           + "(with no client keys anyone who can connect would use the accounts)")
        let keyed = open + [entry("client-keys", .sequence([.scalar("k", line: 9)], line: 9), 9)]
        XCTAssertNil(message(parse(keyed)))
        let disabled = [entry("providers", .mapping([
            provider("codex", [("enabled", "false"), ("listen", "0.0.0.0:8402")], line: 4),
        ]), 2)]
        XCTAssertNil(message(parse(disabled)))
    }

    func testNonLoopbackManagementNeedsKey() {
        let open = entry("management", .mapping([entry("listen", .scalar("0.0.0.0:8400", line: 2), 2)]), 1)
        XCTAssertEqual(message(parse([open])),
                       "management.key (line 2): required when management.listen (0.0.0.0:8400) is not a loopback address")
        let keyed = entry("management", .mapping([
            entry("listen", .scalar("0.0.0.0:8400", line: 2), 2), entry("key", .scalar("m", line: 3), 3),
        ]), 1)
        XCTAssertNil(message(parse([keyed])))
    }

    func testLongStateDirIsRejectedWithTheReason() throws {
        let longDirectory = "/" + String(repeating: "d", count: 100)
        let written = parse([entry("state-dir", .scalar(longDirectory, line: 1), 1)])
        let text = try XCTUnwrap(message(written))
        XCTAssertTrue(text.hasPrefix("state-dir (line 1): the control socket path \"\(longDirectory)/control.sock\" "
            + "would be 114 bytes, but a Unix socket path holds at most 107"), text)

        // The default state-dir under a deep config folder: no line to point at.
        let deep = parse([], directory: "/" + String(repeating: "e", count: 90) + "/etc")
        XCTAssertTrue(message(deep)?.hasPrefix("state-dir: the control socket path") ?? false, message(deep) ?? "accepted")

        // 107 bytes exactly is fine.
        let fits = "/" + String(repeating: "f", count: 107 - "/control.sock".utf8.count - 1)
        XCTAssertNil(message(parse([entry("state-dir", .scalar(fits, line: 1), 1)])))
    }

    func testPostgresNeedsURL() {
        XCTAssertEqual(message(parse([entry("store", .scalar("postgres", line: 4), 4)])),
                       "postgres-url (line 4): required when store is postgres")
        let withURL = parse([entry("store", .scalar("postgres", line: 4), 4),
                             entry("postgres-url", .scalar("postgres://localhost/sy", line: 5), 5)])
        XCTAssertEqual(try withURL.get().postgresURL, "postgres://localhost/sy")
    }
}
