import SwitchyardCore
import XCTest

final class ConfigChangesTests: XCTestCase {
    private let old = SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc")

    func testIdenticalConfigsHaveNoChanges() {
        XCTAssertTrue(old.changes(from: old).isEmpty)
    }

    func testRestartOnlyKeys() {
        var new = old
        new.stateDir = "/other"
        new.management.listen = HostPort(host: "127.0.0.1", port: 9000)
        new.providers[.codex]?.listen = HostPort(host: "127.0.0.1", port: 9002)
        new.providers[.gemini]?.enabled = false
        new.store = .postgres
        new.postgresURL = "postgres://x"
        new.accountsDir = "/other/accounts"
        let changes = new.changes(from: old)
        XCTAssertEqual(changes.restartRequired, [
            "accounts-dir", "management.listen", "postgres-url", "providers.codex.listen", "providers.gemini.enabled",
            "state-dir", "store",
        ])
        XCTAssertEqual(changes.workerRestarts, [])
        XCTAssertEqual(changes.live, [])
    }

    func testWorkerRestartKeys() {
        let edits: [(Provider, (inout ProviderConfig) -> Void)] = [
            (.claude, { $0.tokenURL = "http://127.0.0.1:1/token" }),
            (.codex, { $0.apiBase = "http://127.0.0.1:1" }),
            (.gemini, { $0.usageURL = "http://127.0.0.1:1/usage" }),
            (.codex, { $0.headers = ["user-agent": "x"] }),
        ]
        for (provider, edit) in edits {
            var new = old
            edit(&new.providers[provider]!)
            let changes = new.changes(from: old)
            XCTAssertEqual(changes.workerRestarts, [provider])
            XCTAssertEqual(changes.restartRequired, [])
            XCTAssertEqual(changes.live, [])
        }
        var both = old
        both.providers[.gemini]?.apiBase = "http://127.0.0.1:1"
        both.providers[.claude]?.headers = ["a": "b"]
        XCTAssertEqual(both.changes(from: old).workerRestarts, [.claude, .gemini])
    }

    func testLiveKeys() {
        var new = old
        new.refreshConcurrency = 1
        new.refreshBurstDelay = .seconds(1)
        new.refreshLead = .seconds(1)
        new.refreshBackoff.max = .seconds(60)
        new.quotaInterval = .seconds(1)
        new.quotaBackoff.initial = .seconds(1)
        new.disableGuard = 0.1
        new.clientKeys = ["k"]
        new.management.key = "m"
        new.workers = .init(drainTimeout: .seconds(1), heartbeatTimeout: .seconds(1), startTimeout: .seconds(1))
        new.upstream = .init(connectTimeout: .seconds(1), idleTimeout: .seconds(1))
        new.client = .init(maxBody: 1, headerTimeout: .seconds(1), idleTimeout: .seconds(1))
        new.log = .init(level: .debug, format: .json)
        new.providers[.claude]?.selection = .fillFirst
        new.providers[.claude]?.sessionAffinity = .zero
        new.providers[.claude]?.maxAttempts = 1
        new.providers[.claude]?.authorizeURL = "http://127.0.0.1:1/a"
        new.providers[.claude]?.clientID = "c"
        new.providers[.claude]?.clientSecret = "s"
        new.providers[.claude]?.redirectURI = "http://127.0.0.1:1/cb"
        new.providers[.claude]?.models = ["m"]
        let changes = new.changes(from: old)
        XCTAssertEqual(changes.restartRequired, [])
        XCTAssertEqual(changes.workerRestarts, [])
        XCTAssertEqual(changes.live, [
            "client-keys", "client.header-timeout", "client.idle-timeout", "client.max-body", "disable-guard",
            "log.format", "log.level", "management.key",
            "providers.claude.authorize-url", "providers.claude.client-id", "providers.claude.client-secret",
            "providers.claude.max-attempts", "providers.claude.models", "providers.claude.redirect-uri",
            "providers.claude.selection", "providers.claude.session-affinity",
            "quota-backoff", "quota-interval", "refresh-backoff", "refresh-burst-delay", "refresh-concurrency",
            "refresh-lead", "upstream.connect-timeout", "upstream.idle-timeout", "workers.drain-timeout",
            "workers.heartbeat-timeout", "workers.start-timeout",
        ])
    }
}
