import SwitchyardCore
import XCTest

/// Builds trees by hand: one entry per line, so line numbers in errors are easy to predict.
/// The YAML route (and a full file) is tested in SwitchyardConfigTests.
final class ConfigParserTests: XCTestCase {
    private let directory = "/srv/sy/etc"

    private func entry(_ key: String, _ value: ConfigNode, _ line: Int) -> (key: String, value: ConfigNode, line: Int) {
        (key, value, line)
    }

    private func scalar(_ text: String, _ line: Int) -> ConfigNode {
        .scalar(text, line: line)
    }

    private func parse(_ root: ConfigNode) throws(ConfigError) -> SwitchyardConfig {
        try ConfigParser.parse(root, configDirectory: directory)
    }

    private func assertError(_ root: ConfigNode, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(root)
            XCTFail("accepted; expected: \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        }
    }

    func testEmptyDocumentMeansDefaults() throws {
        let defaults = SwitchyardConfig.defaults(configDirectory: directory)
        XCTAssertEqual(try parse(.null(line: 1)), defaults)
        XCTAssertEqual(try parse(.mapping([])), defaults)
        XCTAssertEqual(try parse(.mapping([entry("management", .null(line: 1), 1)])), defaults)
        XCTAssertEqual(defaults.stateDir, "/srv/sy/var")
        XCTAssertEqual(defaults.accountsDir, "/srv/sy/var/accounts")
        XCTAssertEqual(Set(defaults.providers.keys), Set(Provider.allCases))
    }

    func testValuesAreRead() throws {
        let root = ConfigNode.mapping([
            entry("state-dir", scalar("/tmp/sy", 1), 1),
            entry("refresh-concurrency", scalar("4", 2), 2),
            entry("refresh-backoff", .mapping([entry("max", scalar("1h", 3), 3)]), 3),
            entry("client-keys", .sequence([scalar("k1", 4), scalar("k2", 5)], line: 4), 4),
            entry("providers", .mapping([
                entry("codex", .mapping([
                    entry("listen", scalar("localhost:0", 7), 7),
                    entry("selection", scalar("least-used", 8), 8),
                    entry("headers", .mapping([entry("User-Agent", scalar("x/1", 9), 9)]), 9),
                ]), 6),
            ]), 5),
        ])
        let config = try parse(root)
        XCTAssertEqual(config.stateDir, "/tmp/sy")
        XCTAssertEqual(config.refreshConcurrency, 4)
        XCTAssertEqual(config.refreshBackoff, .init(initial: .seconds(30), max: .seconds(3600)))
        XCTAssertEqual(config.clientKeys, ["k1", "k2"])
        XCTAssertEqual(config[.codex].listen, HostPort(host: "localhost", port: 0))
        XCTAssertEqual(config[.codex].selection, .leastUsed)
        XCTAssertEqual(config[.codex].headers, ["User-Agent": "x/1"])
        XCTAssertEqual(config[.claude], ProviderConfig.defaults(for: .claude))
    }

    func testUnknownKeysNameTheirOwnDottedPath() {
        assertError(.mapping([entry("refresh-lead", scalar("5m", 6), 6), entry("refresh-leed", scalar("5m", 7), 7)]),
                    "refresh-leed (line 7): unknown key")
        assertError(.mapping([entry("providers", .mapping([entry("codex", .mapping([
            entry("listn", scalar("x", 12), 12),
        ]), 11)]), 10)]), "providers.codex.listn (line 12): unknown key")
        assertError(.mapping([entry("providers", .mapping([entry("openai", .null(line: 3), 3)]), 2)]),
                    "providers.openai (line 3): unknown key")
    }

    func testBadValues() {
        let table: [(ConfigNode, String)] = [
            (.mapping([entry("refresh-lead", scalar("5", 7), 7)]),
             "refresh-lead (line 7): expected a duration like 250ms, 1.5s or 1h30m, got \"5\""),
            (.mapping([entry("disable-guard", scalar("150%", 3), 3)]),
             "disable-guard (line 3): expected a percentage like 50% or 0.5, got \"150%\""),
            (.mapping([entry("refresh-concurrency", scalar("0", 2), 2)]),
             "refresh-concurrency (line 2): expected a whole number of at least 1, got \"0\""),
            (.mapping([entry("client", .mapping([entry("max-body", scalar("32MB", 5), 5)]), 4)]),
             "client.max-body (line 5): expected a size above zero like 32MiB, 512KiB or 1048576, got \"32MB\""),
            (.mapping([entry("store", scalar("sqlite", 1), 1)]),
             "store (line 1): expected one of file, postgres, got \"sqlite\""),
            (.mapping([entry("workers", scalar("fast", 9), 9)]), "workers (line 9): expected a mapping, got \"fast\""),
            (.mapping([entry("client-keys", scalar("abc", 4), 4)]),
             "client-keys (line 4): expected a list of non-empty strings, got \"abc\""),
            (.mapping([entry("providers", .mapping([entry("codex", .mapping([
                entry("listen", scalar("abc", 12), 12)]), 11)]), 10)]),
             "providers.codex.listen (line 12): expected host:port, got \"abc\""),
            (.mapping([entry("providers", .mapping([entry("gemini", .mapping([
                entry("max-attempts", scalar("0", 5), 5)]), 4)]), 3)]),
             "providers.gemini.max-attempts (line 5): expected a whole number of at least 1, got \"0\""),
            (.mapping([entry("providers", .mapping([entry("claude", .mapping([
                entry("enabled", scalar("yes", 5), 5)]), 4)]), 3)]),
             "providers.claude.enabled (line 5): expected true or false, got \"yes\""),
            (.mapping([entry("providers", .mapping([entry("claude", .mapping([
                entry("api-base", scalar("ftp://x", 5), 5)]), 4)]), 3)]),
             "providers.claude.api-base (line 5): expected an http:// or https:// URL, got \"ftp://x\""),
            (.sequence([], line: 1), "(top level) (line 1): expected a mapping, got a list"),
        ]
        for (root, message) in table {
            assertError(root, message)
        }
    }

    func testDuplicateKey() {
        assertError(.mapping([entry("store", scalar("file", 1), 1), entry("store", scalar("file", 2), 2)]),
                    "store (line 2): duplicate key")
    }

    func testHeaderValuesWithLineBreaksAreRejectedWithoutEchoingThem() {
        let root = ConfigNode.mapping([entry("providers", .mapping([entry("claude", .mapping([
            entry("headers", .mapping([entry("authorization", scalar("secret\r\nx: y", 4), 4)]), 3),
        ]), 2)]), 1)])
        assertError(root, "providers.claude.headers.authorization (line 4): value contains a line break or control character")
    }
}
