import Foundation
@testable import SwitchyardConfig
@testable import SwitchyardCore
import XCTest

final class ConfigFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sy-cfg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder + "/etc", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func write(_ text: String, to name: String = "etc/switchyard.yaml") throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func parse(_ yaml: String) throws(ConfigError) -> SwitchyardConfig {
        try ConfigFile.parse(yaml: yaml, configDirectory: "/srv/sy/etc")
    }

    private func assertError(_ yaml: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(yaml)
            XCTFail("accepted; expected: \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        }
    }

    /// The repository's etc/switchyard.yaml, found from this file's place in the tree.
    private var shippedFile: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/switchyard.yaml").path
    }

    func testShippedFileParsesToExactlyTheDefaults() throws {
        let config = try ConfigFile.load(path: shippedFile)
        XCTAssertEqual(config, SwitchyardConfig.defaults(configDirectory: ConfigPath.directory(of: shippedFile)))
    }

    func testShippedFileWritesOutEveryKey() throws {
        let text = try String(contentsOfFile: shippedFile, encoding: .utf8)
        guard case .mapping(let top) = try YAMLTree.compose(text) else { return XCTFail("not a mapping") }
        XCTAssertEqual(Set(top.map(\.key)), ConfigParser.topLevelKeys)
        guard case .mapping(let providers)? = top.first(where: { $0.key == "providers" })?.value else {
            return XCTFail("no providers")
        }
        XCTAssertEqual(providers.map(\.key), Provider.allCases.map(\.rawValue))
        for provider in providers {
            guard case .mapping(let keys) = provider.value else { return XCTFail("\(provider.key) not a mapping") }
            XCTAssertEqual(Set(keys.map(\.key)), ConfigParser.providerKeys, provider.key)
        }
    }

    func testEveryDefault() {
        let config = SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc")
        XCTAssertEqual(config.stateDir, "/srv/sy/var")
        XCTAssertEqual(config.accountsDir, "/srv/sy/var/accounts")
        XCTAssertEqual(config.store, .file)
        XCTAssertNil(config.postgresURL)
        XCTAssertEqual(config.refreshConcurrency, 16)
        XCTAssertEqual(config.refreshBurstDelay, .zero)
        XCTAssertEqual(config.refreshLead, .seconds(300))
        XCTAssertEqual(config.refreshBackoff, .init(initial: .seconds(30), max: .seconds(1800)))
        XCTAssertEqual(config.quotaInterval, .seconds(300))
        XCTAssertEqual(config.quotaBackoff, .init(initial: .seconds(60), max: .seconds(900)))
        XCTAssertEqual(config.disableGuard, 0.5)
        XCTAssertEqual(config.clientKeys, [])
        XCTAssertEqual(config.management, .init(listen: HostPort(host: "127.0.0.1", port: 8400), key: nil))
        XCTAssertEqual(config.workers, .init(drainTimeout: .seconds(30), heartbeatTimeout: .seconds(15), startTimeout: .seconds(30)))
        XCTAssertEqual(config.upstream, .init(connectTimeout: .seconds(10), idleTimeout: .seconds(300)))
        XCTAssertEqual(config.client, .init(maxBody: 33_554_432, headerTimeout: .seconds(30), idleTimeout: .seconds(300)))
        XCTAssertEqual(config.log, .init(level: .info, format: .text))

        let claude = config[.claude], codex = config[.codex], gemini = config[.gemini]
        for (provider, port) in [(claude, 8401), (codex, 8402), (gemini, 8403)] {
            XCTAssertTrue(provider.enabled)
            XCTAssertEqual(provider.listen, HostPort(host: "127.0.0.1", port: port))
            XCTAssertEqual(provider.selection, .roundRobin)
            XCTAssertEqual(provider.sessionAffinity, .seconds(3600))
            XCTAssertEqual(provider.maxAttempts, 3)
            XCTAssertEqual(provider.headers, [:])
            XCTAssertEqual(provider.models, [])
        }
        XCTAssertEqual(claude.tokenURL, "https://platform.claude.com/v1/oauth/token")
        XCTAssertEqual(claude.apiBase, "https://api.anthropic.com")
        XCTAssertEqual(claude.usageURL, "https://api.anthropic.com/api/oauth/usage")
        XCTAssertEqual(claude.authorizeURL, "https://claude.ai/oauth/authorize")
        XCTAssertEqual(claude.clientID, "9d1c250a-e61b-44d9-88ed-5944d1962f5e")
        XCTAssertNil(claude.clientSecret)
        XCTAssertEqual(claude.redirectURI, "http://localhost:54545/callback")

        XCTAssertEqual(codex.tokenURL, "https://auth.openai.com/oauth/token")
        XCTAssertEqual(codex.apiBase, "https://chatgpt.com/backend-api/codex")
        XCTAssertEqual(codex.usageURL, "https://chatgpt.com/backend-api/wham/usage")
        XCTAssertEqual(codex.authorizeURL, "https://auth.openai.com/oauth/authorize")
        XCTAssertEqual(codex.clientID, "app_EMoamEEZ73f0CkXaXp7hrann")
        XCTAssertNil(codex.clientSecret)
        XCTAssertEqual(codex.redirectURI, "http://localhost:1455/auth/callback")

        XCTAssertEqual(gemini.tokenURL, "https://oauth2.googleapis.com/token")
        XCTAssertEqual(gemini.apiBase, "https://cloudcode-pa.googleapis.com")
        XCTAssertEqual(gemini.usageURL, "https://cloudcode-pa.googleapis.com/v1internal:retrieveUserQuota")
        XCTAssertEqual(gemini.authorizeURL, "https://accounts.google.com/o/oauth2/v2/auth")
        XCTAssertEqual(gemini.clientID, "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com")
        XCTAssertEqual(gemini.clientSecret, "GOCSPX-4uHgMPm" + "-1o7Sk-geV6Cu5clXFsxl")
        XCTAssertEqual(gemini.redirectURI, "http://localhost:8085/oauth2callback")
    }

    func testGoodFile() throws {
        let path = try write("""
            state-dir: ../run
            accounts-dir: /data/accounts
            refresh-concurrency: 4
            refresh-burst-delay: 250ms
            refresh-backoff: {initial: 10s, max: 1h30m}
            disable-guard: 0.25
            client-keys: [alpha, "beta"]
            management: {listen: "[::1]:9400", key: mk}
            client:
              max-body: 512KiB
            log: {level: debug, format: json}
            providers:
              codex:
                selection: fill-first
                session-affinity: 0
                headers: {user-agent: "codex_cli_rs/0.50"}
              gemini:
                enabled: false
                api-base: http://127.0.0.1:9999/
                client-secret: ""
                models: [gemini-2.5-pro, gemini-2.5-flash]
            """)
        let config = try ConfigFile.load(path: path)
        XCTAssertEqual(config.stateDir, folder + "/run")
        XCTAssertEqual(config.accountsDir, "/data/accounts")
        XCTAssertEqual(config.refreshConcurrency, 4)
        XCTAssertEqual(config.refreshBurstDelay, .milliseconds(250))
        XCTAssertEqual(config.refreshBackoff, .init(initial: .seconds(10), max: .seconds(5400)))
        XCTAssertEqual(config.disableGuard, 0.25)
        XCTAssertEqual(config.clientKeys, ["alpha", "beta"])
        XCTAssertEqual(config.management, .init(listen: HostPort(host: "::1", port: 9400), key: "mk"))
        XCTAssertEqual(config.client.maxBody, 524_288)
        XCTAssertEqual(config.log, .init(level: .debug, format: .json))
        XCTAssertEqual(config[.codex].selection, .fillFirst)
        XCTAssertEqual(config[.codex].sessionAffinity, .zero)
        XCTAssertEqual(config[.codex].headers, ["user-agent": "codex_cli_rs/0.50"])
        XCTAssertFalse(config[.gemini].enabled)
        XCTAssertEqual(config[.gemini].apiBase, "http://127.0.0.1:9999")
        XCTAssertEqual(config[.gemini].usageURL, "http://127.0.0.1:9999/v1internal:retrieveUserQuota")
        XCTAssertNil(config[.gemini].clientSecret)
        XCTAssertEqual(config[.gemini].models, ["gemini-2.5-pro", "gemini-2.5-flash"])
        XCTAssertEqual(config[.claude], ProviderConfig.defaults(for: .claude))
    }

    func testEmptyFileMeansDefaults() throws {
        XCTAssertEqual(try parse(""), SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc"))
        XCTAssertEqual(try parse("# only a comment\n"), SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc"))
        XCTAssertEqual(try parse("{}"), SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc"))
    }

    func testUnknownKeysWithLines() {
        assertError("store: file\nrefresh-leed: 5m\n", "refresh-leed (line 2): unknown key")
        assertError("""
            providers:
              codex:
                listen: 127.0.0.1:8402
                max-attempt: 3
            """, "providers.codex.max-attempt (line 4): unknown key")
        assertError("workers:\n  drain: 1s\n", "workers.drain (line 2): unknown key")
    }

    func testBadValuesWithLines() {
        assertError("store: file\nrefresh-lead: 5\n",
                    "refresh-lead (line 2): expected a duration like 250ms, 1.5s or 1h30m, got \"5\"")
        assertError("client:\n  max-body: 32 MB\n",
                    "client.max-body (line 2): expected a size above zero like 32MiB, 512KiB or 1048576, got \"32 MB\"")
        assertError("disable-guard: 50\n", "disable-guard (line 1): expected a percentage like 50% or 0.5, got \"50\"")
        assertError("""
            # comment
            providers:
              claude: {}
              codex:

                listen: abc
            """, "providers.codex.listen (line 6): expected host:port, got \"abc\"")
        // An unquoted IPv6 address is a YAML list: a syntax error, not a silent misreading.
        assertError("management:\n  listen: [::1]:8400\n",
                    "line 2, column 12: YAML syntax error: while parsing a flow node (line 2), did not find expected node content")
    }

    func testNonLoopbackWithoutClientKeys() {
        assertError("providers:\n  gemini:\n    listen: 0.0.0.0:8403\n",
                    "providers.gemini.listen (line 3): 0.0.0.0:8403 is not a loopback address, which needs client-keys "
                        + "set (with no client keys anyone who can connect would use the accounts)")
        XCTAssertNoThrow(try parse("client-keys: [k]\nproviders:\n  gemini:\n    listen: 0.0.0.0:8403\n"))
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ConfigFile.load(path: folder + "/nope.yaml")) { error in
            XCTAssertEqual(error as? ConfigError, .unreadable(path: folder + "/nope.yaml", reason: "no such file"))
            XCTAssertEqual("\(error)", "cannot read config file \(folder)/nope.yaml: no such file")
        }
        XCTAssertThrowsError(try ConfigFile.load(path: folder + "/etc")) { error in
            XCTAssertEqual(error as? ConfigError, .unreadable(path: folder + "/etc", reason: "is a directory"))
        }
    }

    func testYAMLSyntaxErrorGivesTheLine() throws {
        let path = try write("state-dir: ../var\nstore: [file\nlog: {}\n")
        XCTAssertThrowsError(try ConfigFile.load(path: path)) { error in
            guard case .syntax(let line, _, _)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 3)
        }
        assertError("a: 1\n  b: 2\n", "line 2, column 4: YAML syntax error: mapping values are not allowed in this context")
    }

    func testDuplicateKeyIsRejected() {
        XCTAssertThrowsError(try parse("store: file\nstore: postgres\n")) { error in
            guard case .syntax(_, _, let problem)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, "duplicate key \"store\"")
        }
    }

    func testAnchorsAliasesAndMergeKeys() throws {
        let config = try parse("""
            client-keys: &keys [one, two]
            providers:
              claude: &claude
                selection: least-used
                max-attempts: 5
              codex:
                <<: *claude
                max-attempts: 2
                models: *keys
            """)
        XCTAssertEqual(config.clientKeys, ["one", "two"])
        XCTAssertEqual(config[.codex].selection, .leastUsed)
        XCTAssertEqual(config[.codex].maxAttempts, 2)
        XCTAssertEqual(config[.codex].models, ["one", "two"])
    }
}
