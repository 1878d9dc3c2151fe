import Foundation
import SwitchyardCurl
import XCTest

/// A simulator plus a running Switchyard for one provider, with accounts registered on both
/// sides: what every data-path test starts from.
final class ProxyRig {
    let sim: Simulator
    let daemon: TestDaemon
    let provider: String
    /// Simulator account name → Switchyard account id.
    private(set) var ids: [String: String] = [:]

    /// `providerConfig`: more keys under `providers.<provider>`, each line indented four spaces.
    init(provider: String, extraConfig: String = "", providerConfig: String = "") throws {
        self.provider = provider
        sim = try Simulator()
        daemon = try TestDaemon(providers: [provider], upstreams: [provider: sim.providerConfig(provider) + providerConfig])
        var yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        yaml += "quota-interval: 1h\nrefresh-backoff: {initial: 1s, max: 2s}\n" + extraConfig
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
    }

    /// Registers `name` at the simulator with `api` behaviour(s) and writes its account file
    /// (a token valid for an hour, so no refresh is due). Returns the Switchyard id.
    @discardableResult
    func addAccount(_ name: String, api: Any = "ok", extra: [String: Any] = [:], fileExtra: [String: Any] = [:]) throws -> String {
        var spec: [String: Any] = [
            "provider": provider, "id": name, "refresh_token": "\(name)-rt-0", "access_token": "\(name)-at-0",
            "refresh": "ok", "usage": "ok", "api": api, "email": "\(name)@example.com",
        ]
        // Gemini accounts come with a Code Assist project unless a test says otherwise
        // (discovery with loadCodeAssist would count as an API call at the simulator).
        if provider == "gemini" { spec["project"] = "proj-\(name)" }
        spec.merge(extra) { _, new in new }
        let registered = try sim.post("/_sim/accounts", spec)
        let id = "\(provider)-" + String(format: "%012x", ids.count + 1)
        var file: [String: Any] = ["email": "\(name)@example.com"]
        if provider == "codex" { file["chatgpt_account_id"] = registered["chatgpt_account_id"] }
        if provider == "gemini", let project = registered["project_id"] { file["project_id"] = project }
        file.merge(fileExtra) { _, new in new }
        file = file.filter { !($0.value is NSNull) }  // NSNull in `fileExtra`: leave the field out
        try daemon.writeAccount(id: id, provider: provider, refreshToken: "\(name)-rt-0", accessToken: "\(name)-at-0",
                                expiresIn: 3600, extra: file)
        ids[name] = id
        return id
    }

    func start() throws { try daemon.startDaemon() }

    var base: String {
        get throws { "http://" + (try daemon.worker(provider).listen) }
    }

    func apiCalls(_ name: String) throws -> Int {
        try XCTUnwrap((try sim.account(name)["counters"] as? [String: Any])?["api_calls"] as? Int)
    }

    func lastAPIHeaders(_ name: String) throws -> [String: String] {
        try XCTUnwrap((try sim.account(name)["last_api"] as? [String: Any])?["headers"] as? [String: String])
    }

    func lastAPI(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(try sim.account(name)["last_api"] as? [String: Any])
    }

    func stop() { XCTAssertEqual(daemon.cli("stop").code, 0) }
}

/// A client's answer, whole.
struct ClientAnswer {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: String

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }
}

enum Client {
    static func post(_ url: String, _ body: String, headers: [(String, String)] = []) throws -> ClientAnswer {
        let request = HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")] + headers.map { (name: $0.0, value: $0.1) },
                                  body: Array(body.utf8), timeout: .seconds(30))
        let response = try CurlEasyClient().perform(request)
        return ClientAnswer(status: response.status, headers: response.headers, body: String(decoding: response.body, as: UTF8.self))
    }

    static func get(_ url: String, headers: [(String, String)] = []) throws -> ClientAnswer {
        let response = try CurlEasyClient().perform(HTTPRequest(url: url, headers: headers.map { (name: $0.0, value: $0.1) }, timeout: .seconds(30)))
        return ClientAnswer(status: response.status, headers: response.headers, body: String(decoding: response.body, as: UTF8.self))
    }
}
