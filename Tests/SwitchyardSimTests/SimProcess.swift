import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// A running `switchyard-sim` binary, tested from the outside: the simulator is an executable
/// and stands in for the upstreams, so its tests speak HTTP to it like Switchyard does.
/// `@unchecked Sendable`: every stored property is a `let`, URLSession is thread-safe, and the
/// Process is only stopped from the test's own thread.
final class SimProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let base: String
    private let session: URLSession

    /// The binary next to the test bundle (SwiftPM puts both in the build directory), or
    /// `$SWITCHYARD_SIM_BIN`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_SIM_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.path.hasSuffix(".xctest/Contents/MacOS") {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent("switchyard-sim")
    }

    init(_ arguments: [String] = []) throws {
        process.executableURL = Self.binary
        process.arguments = ["--port", "0"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw SimProcessError.noListeningLine(String(decoding: buffer, as: UTF8.self)) }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        guard line.hasPrefix("listening 127.0.0.1:"), let port = Int(line.dropFirst("listening 127.0.0.1:".count)) else {
            throw SimProcessError.noListeningLine(line)
        }
        self.port = port
        base = "http://127.0.0.1:\(port)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 128
        session = URLSession(configuration: configuration)
    }

    /// SIGTERM, then the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { stop() }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    func call(_ method: String, _ path: String, json: Any? = nil, form: String? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        } else if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "content-type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    /// Registers an account and returns its admin view.
    @discardableResult
    func register(_ body: [String: Any]) async throws -> [String: Any] {
        let reply = try await call("POST", "/_sim/accounts", json: body)
        XCTAssertEqual(reply.status, 200, reply.text)
        return reply.json
    }

    func stats() async throws -> [String: Any] {
        try await call("GET", "/_sim/stats").json
    }

    func refresh(_ provider: String, _ token: String) async throws -> Reply {
        switch provider {
        case "claude":
            try await call("POST", "/claude/v1/oauth/token",
                           json: ["grant_type": "refresh_token", "refresh_token": token, "client_id": "c"])
        case "codex":
            try await call("POST", "/codex/oauth/token",
                           json: ["client_id": "c", "grant_type": "refresh_token", "refresh_token": token,
                                  "scope": "openid profile email"])
        default:
            try await call("POST", "/gemini/token",
                           form: "client_id=c&client_secret=s&grant_type=refresh_token&refresh_token=\(token)")
        }
    }
}

enum SimProcessError: Error, CustomStringConvertible {
    case noListeningLine(String)
    var description: String {
        switch self {
        case .noListeningLine(let got): "switchyard-sim did not print its listening line (got \"\(got)\")"
        }
    }
}

/// Decodes the payload of an unsigned JWT.
func jwtClaims(_ token: String) -> [String: Any] {
    let parts = token.split(separator: ".")
    guard parts.count == 3 else { return [:] }
    var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    guard let data = Data(base64Encoded: text) else { return [:] }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}
