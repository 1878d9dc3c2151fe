import Foundation
import SwitchyardCurl
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The in-repo provider simulator (`switchyard-sim`) on a free loopback port, and its admin API.
final class Simulator {
    let process: Process
    let address: String

    init(tokenLatency: String = "0ms") throws {
        let binary = URL(fileURLWithPath: TestDaemon.binary).deletingLastPathComponent().appendingPathComponent("switchyard-sim").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--token-latency", tokenLatency]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw TestFailure("switchyard-sim exited before listening") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).split(separator: "\n")[0]
        guard text.hasPrefix("listening ") else { throw TestFailure("unexpected sim output: \(text)") }
        address = String(text.dropFirst("listening ".count))
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// Provider settings that point Switchyard at this simulator (YAML under `providers:`).
    func providerConfig(_ provider: String) -> String {
        let base = "http://\(address)"
        switch provider {
        case "claude":
            return "    token-url: \(base)/claude/v1/oauth/token\n    api-base: \(base)/claude\n    usage-url: \(base)/claude/api/oauth/usage\n"
        case "codex":
            return "    token-url: \(base)/codex/oauth/token\n    api-base: \(base)/codex/backend-api/codex\n    usage-url: \(base)/codex/backend-api/wham/usage\n"
        default:
            return "    token-url: \(base)/gemini/token\n    api-base: \(base)/gemini\n    usage-url: \(base)/gemini/v1internal:retrieveUserQuota\n"
        }
    }

    @discardableResult
    func post(_ path: String, _ body: [String: Any]) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try CurlEasyClient().perform(HTTPRequest(
            method: .post, url: "http://\(address)\(path)", headers: [("content-type", "application/json")],
            body: Array(data), timeout: .seconds(30)))
        guard (200..<300).contains(response.status) else {
            throw TestFailure("sim \(path): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func get(_ path: String) throws -> [String: Any] {
        let response = try CurlEasyClient().perform(HTTPRequest(url: "http://\(address)\(path)", timeout: .seconds(30)))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func stats() throws -> [String: Any] { try get("/_sim/stats") }

    func account(_ id: String) throws -> [String: Any] { try get("/_sim/accounts/\(id)") }
}

extension TestDaemon {
    /// Writes a Switchyard account file for a simulator account, due for refresh now.
    func writeAccount(id: String, provider: String, refreshToken: String, accessToken: String,
                      expiresIn: Int = 60, extra: [String: Any] = [:]) throws {
        var object: [String: Any] = [
            "schema": 1, "id": id, "provider": provider, "access_token": accessToken,
            "refresh_token": refreshToken, "expires_at": Int(Date().timeIntervalSince1970) + expiresIn,
        ]
        object.merge(extra) { _, new in new }
        try FileManager.default.createDirectory(atPath: accountsDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        _ = FileManager.default.createFile(atPath: accountsDir + "/\(id).json", contents: data, attributes: [.posixPermissions: 0o600])
    }

    func readAccount(_ id: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: accountsDir + "/\(id).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
