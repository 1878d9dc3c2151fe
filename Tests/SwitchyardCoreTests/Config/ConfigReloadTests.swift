import SwitchyardCore
import XCTest

final class ConfigReloadTests: XCTestCase {
    private let started = SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc")

    private func reload(_ file: SwitchyardConfig, running: SwitchyardConfig) throws -> ConfigReload {
        try ConfigReload(file: file, running: running)
    }

    private func moved(_ config: SwitchyardConfig) -> SwitchyardConfig {
        var file = config
        file.providers[.claude]?.listen = HostPort(host: "127.0.0.1", port: 9001)
        return file
    }

    func testLiveKeysFollowTheFileAndRestartOnlyKeysKeepTheirRunningValues() throws {
        var file = moved(started)
        file.refreshConcurrency = 4
        let result = try reload(file, running: started)
        XCTAssertEqual(result.running[.claude].listen, started[.claude].listen)
        XCTAssertEqual(result.running.refreshConcurrency, 4)
        XCTAssertEqual(result.changes, ConfigChanges(restartRequired: ["providers.claude.listen"], live: ["refresh-concurrency"]))
    }

    /// The two sequences an audit reproduced live: a restart-only change reloaded twice, then
    /// the file put back.
    func testRestartRequiredIsMeasuredAgainstTheRunningValues() throws {
        let first = try reload(moved(started), running: started)
        XCTAssertEqual(first.changes.restartRequired, ["providers.claude.listen"])

        let again = try reload(moved(started), running: first.running)
        XCTAssertEqual(again.changes, ConfigChanges(restartRequired: ["providers.claude.listen"]),
                       "the restart is still needed, so it is still reported")

        let restored = try reload(started, running: again.running)
        XCTAssertTrue(restored.changes.isEmpty, "the file says what runs: \(restored.changes)")
        XCTAssertEqual(restored.running, started)
    }

    func testEveryRestartOnlyKeyIsKept() throws {
        var file = started
        file.stateDir = "/other"
        file.accountsDir = "/other/accounts"
        file.store = .postgres
        file.postgresURL = "postgres://x"
        file.management.listen = HostPort(host: "127.0.0.1", port: 9000)
        file.providers[.codex]?.listen = HostPort(host: "127.0.0.1", port: 9002)
        file.providers[.gemini]?.enabled = false
        let result = try reload(file, running: started)
        XCTAssertEqual(result.running, started, "nothing but restart-only keys changed")
        XCTAssertEqual(result.changes.restartRequired.count, 7)
    }

    func testLiveAndWorkerKeysAreAllTaken() throws {
        var file = started
        file.quotaInterval = .seconds(60)
        file.clientKeys = ["k"]
        file.management.key = "m"
        file.workers.drainTimeout = .seconds(1)
        file.log.level = .debug
        file.providers[.codex]?.apiBase = "http://127.0.0.1:1"
        file.providers[.gemini]?.models = ["m"]
        let result = try reload(file, running: started)
        XCTAssertEqual(result.running, file)
        XCTAssertEqual(result.changes.workerRestarts, [.codex])
    }

    /// The file alone is valid (its listeners are loopback), but the listeners that keep
    /// running until a restart are not: their keys must not go first.
    func testKeysOfARunningExposedListenerCannotBeDropped() throws {
        var running = started
        running.management.listen = HostPort(host: "0.0.0.0", port: 8400)
        running.management.key = "m"
        running.providers[.claude]?.listen = HostPort(host: "0.0.0.0", port: 8401)
        running.clientKeys = ["c"]

        var noManagementKey = started
        noManagementKey.clientKeys = ["c"]
        XCTAssertThrowsError(try reload(noManagementKey, running: running)) { error in
            guard case .invalidSetting(let key, nil, let reason)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "management.key")
            XCTAssertTrue(reason.contains("0.0.0.0:8400") && reason.contains("kept until a restart"), reason)
        }

        var noClientKeys = started
        noClientKeys.management.key = "m"
        XCTAssertThrowsError(try reload(noClientKeys, running: running)) { error in
            guard case .invalidSetting(let key, nil, _)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "providers.claude.listen")
        }

        var keysKept = started
        keysKept.management.key = "m2"
        keysKept.clientKeys = ["c2"]
        let result = try reload(keysKept, running: running)
        XCTAssertEqual(result.running.management.listen, running.management.listen)
        XCTAssertEqual(result.running.management.key, "m2")
    }
}
