import Foundation
import SwitchyardCurl
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A Switchyard installation in a fresh temporary directory: a config with every port 0,
/// short timeouts, and the real `switchyard` binary driven through its CLI.
///
/// The directory is short (/tmp/sy-XXXXXX) because Unix socket paths are limited to 107 bytes.
final class TestDaemon {
    let root: String
    let configPath: String
    let stateDir: String
    let accountsDir: String

    static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["SWITCHYARD_BIN"] { return explicit }
        // swift test runs <build-dir>/<Package>PackageTests.xctest; the binary sits beside it.
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("switchyard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/switchyard").path
    }()

    /// Upstream settings per provider. By default every upstream URL points at a closed
    /// loopback port, so no test ever reaches beyond this machine.
    let upstreams: [String: String]

    static func deadUpstream(_ provider: String) -> String {
        "    token-url: http://127.0.0.1:9/\(provider)/token\n    api-base: http://127.0.0.1:9/\(provider)\n    usage-url: http://127.0.0.1:9/\(provider)/usage\n"
    }

    init(extraConfig: String = "", providers: [String] = ["claude", "codex", "gemini"], upstreams: [String: String] = [:]) throws {
        self.upstreams = upstreams
        var template = Array("/tmp/sy-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        root = String(cString: made)
        configPath = root + "/switchyard.yaml"
        stateDir = root + "/var"
        accountsDir = root + "/var/accounts"
        try writeConfig(extraConfig: extraConfig, providers: providers)
    }

    func writeConfig(extraConfig: String = "", providers: [String] = ["claude", "codex", "gemini"]) throws {
        var yaml = """
            state-dir: ./var
            accounts-dir: ./var/accounts
            management:
              listen: 127.0.0.1:0
            workers:
              drain-timeout: 5s
              heartbeat-timeout: 3s
              start-timeout: 20s
            providers:

            """
        for provider in ["claude", "codex", "gemini"] {
            yaml += "  \(provider):\n    enabled: \(providers.contains(provider))\n    listen: 127.0.0.1:0\n"
            yaml += upstreams[provider] ?? Self.deadUpstream(provider)
        }
        yaml += extraConfig
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Rewrites the config file in place, e.g. to change one of the timeouts above.
    func editConfig(_ change: (String) -> String) throws {
        let yaml = try String(contentsOfFile: configPath, encoding: .utf8)
        let changed = change(yaml)
        guard changed != yaml else { throw TestFailure("editConfig changed nothing") }
        try changed.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        forceStop()
        if ProcessInfo.processInfo.environment["SY_KEEP"] == nil { try? FileManager.default.removeItem(atPath: root) }
    }

    // MARK: - CLI

    struct Run {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `switchyard <words…> --config <this config>` and waits for it.
    @discardableResult
    func cli(_ words: String..., environment: [String: String] = [:]) -> Run {
        cli(words, environment: environment)
    }

    func cli(_ words: [String], environment: [String: String] = [:]) -> Run {
        do { return try launch(words, environment: environment).finish() } catch { return Run(code: -1, stdout: "", stderr: "\(error)") }
    }

    /// A CLI command still running, for tests that act while it waits (e.g. signals during a start).
    struct Launched {
        let process: Process
        let out: Pipe
        let err: Pipe

        func finish() -> Run {
            // Read both pipes before waiting, so a chatty command cannot fill a pipe and block.
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            let errData = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(code: process.terminationStatus,
                       stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    func launch(_ words: [String], environment: [String: String] = [:]) throws -> Launched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = words + ["--config", configPath]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Launched(process: process, out: out, err: err)
    }

    func startDaemon(environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws {
        let run = cli(["start", "--daemon"], environment: environment)
        guard run.code == 0 else { throw TestFailure("start --daemon exited \(run.code): \(run.stderr)\n\(log())") }
    }

    func log() -> String {
        (try? String(contentsOfFile: stateDir + "/switchyard.log", encoding: .utf8)) ?? ""
    }

    // MARK: - Status

    func status() throws -> [String: Any] {
        let run = cli("status", "--json")
        guard run.code == 0 else { throw TestFailure("status exited \(run.code): \(run.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    struct Worker: Equatable {
        let provider: String
        let pid: Int32
        let state: String
        let generation: Int
        let restarts: Int
        let listen: String
    }

    func workers() throws -> [Worker] {
        let rows = try status()["workers"] as? [[String: Any]] ?? []
        return rows.map {
            Worker(provider: $0["provider"] as? String ?? "", pid: Int32($0["pid"] as? Int ?? 0),
                   state: $0["state"] as? String ?? "", generation: $0["generation"] as? Int ?? 0,
                   restarts: $0["restarts"] as? Int ?? 0, listen: $0["listen"] as? String ?? "")
        }
    }

    func worker(_ provider: String) throws -> Worker {
        guard let row = try workers().first(where: { $0.provider == provider && $0.state == "ready" }) else {
            throw TestFailure("no ready \(provider) worker")
        }
        return row
    }

    var supervisorPID: Int32? {
        guard let text = try? String(contentsOfFile: stateDir + "/switchyard.pid", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether some process holds `switchyard.lock`, i.e. a supervisor of this state-dir is alive.
    func lockHeld() -> Bool {
        let fd = open(stateDir + "/switchyard.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// Every supervisor pid the log names ("supervisor starting pid=N"), oldest first; a failed
    /// start leaves no pid file to read it from.
    func loggedSupervisorPIDs() -> [Int32] {
        log().split(separator: "\n").filter { $0.contains("supervisor: supervisor starting") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst(4)) }
        }
    }

    /// Kills whatever this installation left running (a test that failed half-way).
    func forceStop() {
        let pids = ((try? workers()) ?? []).map(\.pid)
        if let pid = supervisorPID, isAlive(pid) { kill(pid, SIGKILL) }
        for pid in pids where pid > 0 { kill(pid, SIGKILL) }
    }

    // MARK: - HTTP

    func get(_ url: String, headers: [(name: String, value: String)] = []) throws -> (status: Int, body: String) {
        let response = try fetch(url, headers: headers)
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// A GET with the whole response, headers included.
    func fetch(_ url: String, headers: [(name: String, value: String)] = []) throws -> HTTPResponse {
        try CurlEasyClient().perform(HTTPRequest(url: url, headers: headers, timeout: .seconds(10)))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    // A zombie still answers kill(0); it is dead for our purposes.
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    return !stat.contains(") Z ")
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return true }
        usleep(50_000)
    }
    return (try? condition()) == true
}
