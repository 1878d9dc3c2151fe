import Foundation
import SwitchyardCurl
import XCTest

/// The worker's own answers (SPEC §8's table): exact shapes, and nothing in them that names
/// an account — no e-mail, no account id, no token.
final class ClientErrorTests: XCTestCase {
    func testNoUsableAccountShapesForEveryProviderLeakNothing() throws {
        let sim = try Simulator()
        let upstreams = ["claude": sim.providerConfig("claude"), "codex": sim.providerConfig("codex"), "gemini": sim.providerConfig("gemini")]
        let daemon = try TestDaemon(upstreams: upstreams)
        // One disabled account per provider: in the store, never in a pool.
        for provider in ["claude", "codex", "gemini"] {
            try daemon.writeAccount(id: "\(provider)-00000000000d", provider: provider, refreshToken: "rt-secret-\(provider)",
                                    accessToken: "at-secret-\(provider)", expiresIn: 3600,
                                    extra: ["email": "owner-\(provider)@example.com", "disabled": true, "disabled_kind": "operator"])
        }
        try daemon.startDaemon()
        let cases: [(String, String, String)] = [
            ("claude", "/v1/messages", DataPathTests.claudeBody),
            ("codex", "/v1/responses", DataPathTests.codexStream),
            ("gemini", "/v1beta/models/gemini-2.5-pro:generateContent", DataPathTests.geminiBody),
        ]
        for (provider, path, body) in cases {
            let answer = try Client.post("http://\(try daemon.worker(provider).listen)\(path)", body)
            XCTAssertEqual(answer.status, 503, "\(provider): \(answer.body)")
            XCTAssertEqual(answer.header("content-type"), "application/json")
            let error = try XCTUnwrap(answer.json["error"] as? [String: Any], answer.body)
            switch provider {
            case "claude":
                XCTAssertEqual(answer.json["type"] as? String, "error")
                XCTAssertEqual(error["type"] as? String, "overloaded_error")
            case "codex":
                XCTAssertEqual(error["type"] as? String, "server_error")
                XCTAssertEqual(error["code"] as? String, "no_account_available")
            default:
                XCTAssertEqual(error["code"] as? Int, 503)
                XCTAssertEqual(error["status"] as? String, "UNAVAILABLE")
            }
            XCTAssertNotNil(error["message"] as? String)
            for secret in ["example.com", "\(provider)-00000000000d", "secret", "owner"] {
                XCTAssertFalse(answer.body.contains(secret), "\(provider) answer leaks \(secret): \(answer.body)")
                XCTAssertFalse(answer.headers.contains { $0.value.contains(secret) }, "\(provider) headers leak \(secret)")
            }
        }
        XCTAssertEqual(try sim.stats()["api_calls"] as? Int, 0)
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testMalformedBodiesGet400WithoutTouchingAnAccount() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1")
        try rig.start()
        let base = try rig.base
        for body in ["not json", "[1,2]", #"{"model":"claude-sonnet-4-5"}"#, #"{"messages":[]}"#] {
            let answer = try Client.post(base + "/v1/messages", body)
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertEqual((answer.json["error"] as? [String: Any])?["type"] as? String, "invalid_request_error", answer.body)
        }
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        rig.stop()
    }

    func testClientKeysAreRequiredWhenConfigured() throws {
        let rig = try ProxyRig(provider: "gemini", extraConfig: "client-keys: [k-one, k-two]\n")
        try rig.addAccount("g1")
        try rig.start()
        let url = try rig.base + "/v1beta/models/gemini-2.5-pro:generateContent"
        let refused = try Client.post(url, DataPathTests.geminiBody, headers: [("x-goog-api-key", "wrong")])
        XCTAssertEqual(refused.status, 401)
        XCTAssertEqual((refused.json["error"] as? [String: Any])?["status"] as? String, "UNAUTHENTICATED")
        XCTAssertEqual(try Client.post(url, DataPathTests.geminiBody).status, 401)
        XCTAssertEqual(try Client.post(url, DataPathTests.geminiBody, headers: [("x-goog-api-key", "k-two")]).status, 200)
        XCTAssertEqual(try Client.post(url + "?key=k-one", DataPathTests.geminiBody).status, 200)
        XCTAssertEqual(try Client.post(url, DataPathTests.geminiBody, headers: [("authorization", "Bearer k-one")]).status, 200)
        XCTAssertEqual(try rig.apiCalls("g1"), 3)
        rig.stop()
    }

    func testBodiesOverTheLimitGet413() throws {
        let rig = try ProxyRig(provider: "codex", extraConfig: "client: {max-body: 1KiB}\n")
        try rig.addAccount("c1")
        try rig.start()
        let big = #"{"model":"gpt-5-codex","input":""# + String(repeating: "x", count: 2048) + #""}"#
        let answer = try Client.post(try rig.base + "/v1/responses", big)
        XCTAssertEqual(answer.status, 413)
        XCTAssertEqual((answer.json["error"] as? [String: Any])?["code"] as? String, "request_too_large")
        XCTAssertEqual(try rig.apiCalls("c1"), 0)
        XCTAssertEqual(try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream).status, 200, "the worker goes on serving")
        rig.stop()
    }
}
