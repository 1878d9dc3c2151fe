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

    /// A chunked body (no Content-Length to refuse it by) over the default 32 MiB: refused with
    /// 413 as it arrives, and the client, which writes its whole body before it reads, gets the
    /// answer — not a reset that loses it.
    func testAChunkedBodyOverTheDefaultLimitGets413ThatTheClientReceives() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.addAccount("a1")
        try rig.start()
        let prefix = Array(#"{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":""#.utf8)
        let body = prefix + [UInt8](repeating: UInt8(ascii: "x"), count: 40 << 20) + Array(#""}]}"#.utf8)
        let started = ContinuousClock.now
        let outcome = try ChunkedUpload.post(try rig.daemon.worker("claude").listen, "/v1/messages", body: body)
        let report = "wrote \(outcome.bodyBytesWritten) of \(body.count) body bytes, write errno \(outcome.writeError.map(String.init) ?? "-"), "
            + "read errno \(outcome.readError.map(String.init) ?? "-"), received: \(outcome.received.prefix(400))"
        XCTAssertEqual(outcome.status, 413, report)
        // A worker that closes on the unread rest of the body makes the kernel reset the
        // connection: the client's writes fail, and the 413 in flight may be lost with them.
        XCTAssertNil(outcome.writeError, "the worker reads the rest of the body away instead of resetting: \(report)")
        XCTAssertEqual(outcome.bodyBytesWritten, body.count, report)
        XCTAssertNil(outcome.readError, "the answer is read to its end, not cut by a reset: \(report)")
        let json = (try? JSONSerialization.jsonObject(with: Data(outcome.body.utf8)) as? [String: Any]) ?? [:]
        XCTAssertEqual(json["type"] as? String, "error", report)
        XCTAssertEqual((json["error"] as? [String: Any])?["type"] as? String, "request_too_large", report)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20))
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        XCTAssertEqual(try Client.post(try rig.base + "/v1/messages", DataPathTests.claudeBody).status, 200, "the worker goes on serving")
        rig.stop()
    }

    /// 503 once accounts that were in the pool are gone: refused with 401, then their refresh
    /// failed for good (SPEC §6.1), so they left the pool.
    func testNoUsableAccountAfterRefusedTokensFailToRefreshNamesNoAccount() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "disable-guard: 100%\n")
        let ids = try ["a1", "a2"].map { try rig.addAccount($0, api: "unauthorized", extra: ["refresh": "invalid_grant"]) }
        try rig.start()
        let url = try rig.base + "/v1/messages"
        let first = try Client.post(url, DataPathTests.claudeBody)
        XCTAssertEqual(try rig.apiCalls("a1") + rig.apiCalls("a2"), 2, "both accounts were in the pool and tried")
        for id in ids {
            XCTAssertTrue(eventually { try rig.daemon.readAccount(id)["disabled_kind"] as? String == "reauth_required" }, rig.daemon.log())
        }
        let second = try Client.post(url, DataPathTests.claudeBody)
        for answer in [first, second] {
            XCTAssertEqual(answer.status, 503, answer.body)
            try Self.assertShape(answer, ["type": "error", "error": ["type": "overloaded_error", "message": Self.anyText]])
            try Self.assertNamesNoAccount(answer, rig)
        }
        rig.stop()
    }

    /// 503 once the disable guard (SPEC §6.8) disabled one account and held the other out as
    /// failing: both were in the pool, neither is named.
    func testNoUsableAccountAfterTheDisableGuardNamesNoAccount() throws {
        let rig = try ProxyRig(provider: "gemini", extraConfig: "disable-guard: 50%\n")
        let ids = try ["g1", "g2"].map { try rig.addAccount($0, api: "validation_required") }
        try rig.start()
        let url = try rig.base + "/v1beta/models/gemini-2.5-pro:generateContent"
        let first = try Client.post(url, DataPathTests.geminiBody)
        XCTAssertEqual(try rig.apiCalls("g1") + rig.apiCalls("g2"), 2, "both accounts were in the pool and tried")
        XCTAssertTrue(eventually {
            let stored = try ids.map { try rig.daemon.readAccount($0) }
            return stored.filter { $0["disabled_kind"] as? String == "verification_required" }.count == 1
                && stored.filter { ($0["refresh_message"] as? String ?? "").hasPrefix("held: possible upstream outage") }.count == 1
        }, "one disabled, one held by the guard\n\(rig.daemon.log())")
        let second = try Client.post(url, DataPathTests.geminiBody)
        for answer in [first, second] {
            XCTAssertEqual(answer.status, 503, answer.body)
            try Self.assertShape(answer, ["error": ["code": 503, "status": "UNAVAILABLE", "message": Self.anyText]])
            try Self.assertNamesNoAccount(answer, rig)
        }
        XCTAssertEqual(try rig.apiCalls("g1") + rig.apiCalls("g2"), 2, "held and disabled accounts get no traffic")
        rig.stop()
    }

    /// "All cooling" (SPEC §8) for Claude and Gemini: 429, Retry-After until the first account
    /// is usable again, the table's exact shape, and no account named.
    func testAllCoolingAnswersForClaudeAndGeminiNameNoAccount() throws {
        let cases: [(provider: String, path: String, body: String, shape: [String: Any])] = [
            ("claude", "/v1/messages", DataPathTests.claudeBody,
             ["type": "error", "error": ["type": "rate_limit_error", "message": Self.anyText]]),
            ("gemini", "/v1beta/models/gemini-2.5-pro:generateContent", DataPathTests.geminiBody,
             ["error": ["code": 429, "status": "RESOURCE_EXHAUSTED", "message": Self.anyText]]),
        ]
        for (provider, path, body, shape) in cases {
            let rig = try ProxyRig(provider: provider)
            try rig.addAccount("\(provider.prefix(1))1", api: "rate_limited", extra: ["rate_limit_reset_seconds": 120])
            try rig.addAccount("\(provider.prefix(1))2", api: "rate_limited", extra: ["rate_limit_reset_seconds": 600])
            try rig.start()
            // The first request's own 429s cool both accounts; the second finds them cooling.
            for attempt in ["first", "second"] {
                let answer = try Client.post(try rig.base + path, body)
                XCTAssertEqual(answer.status, 429, "\(provider) \(attempt): \(answer.body)")
                let retryAfter = Int(answer.header("retry-after") ?? "") ?? 0
                XCTAssertTrue((100...121).contains(retryAfter), "\(provider) \(attempt): until the first is usable: \(retryAfter)")
                try Self.assertShape(answer, shape)
                try Self.assertNamesNoAccount(answer, rig)
            }
            XCTAssertEqual(try rig.sim.stats()["api_calls"] as? Int, 2, provider)
            rig.stop()
        }
    }

    // MARK: - Helpers

    /// Stands for any non-empty string in an expected shape.
    static let anyText = "<any text>"

    /// The answer is JSON with exactly the keys of `expected`, values equal (nested objects
    /// compared the same way; `anyText` matches any non-empty string).
    static func assertShape(_ answer: ClientAnswer, _ expected: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(answer.header("content-type"), "application/json", file: file, line: line)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any], answer.body,
                                   file: file, line: line)
        func compare(_ actual: [String: Any], _ expected: [String: Any], at path: String) {
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), "keys at \(path): \(answer.body)", file: file, line: line)
            for (key, value) in expected {
                switch (value, actual[key]) {
                case (let nested as [String: Any], let got as [String: Any]): compare(got, nested, at: path + "." + key)
                case (let text as String, let got as String) where text == anyText: XCTAssertFalse(got.isEmpty, file: file, line: line)
                case (let text as String, let got as String): XCTAssertEqual(got, text, "\(path).\(key)", file: file, line: line)
                case (let number as Int, let got as Int): XCTAssertEqual(got, number, "\(path).\(key)", file: file, line: line)
                default: XCTFail("\(path).\(key): \(answer.body)", file: file, line: line)
                }
            }
        }
        compare(object, expected, at: "$")
    }

    /// Neither the body nor any header carries anything that names one of the rig's accounts:
    /// its Switchyard id, its e-mail, any token it ever had, its upstream identity fields.
    static func assertNamesNoAccount(_ answer: ClientAnswer, _ rig: ProxyRig, file: StaticString = #filePath, line: UInt = #line) throws {
        var secrets: Set<String> = ["example.com", "sim.test"]
        for (name, id) in rig.ids {
            secrets.formUnion([id, String(id.dropFirst(rig.provider.count + 1)), "\(name)-at-", "\(name)-rt-"])
            let upstream = try rig.sim.account(name)
            for key in ["email", "access_token", "refresh_token", "account_uuid", "organization_uuid", "chatgpt_account_id",
                        "chatgpt_user_id", "project_id", "sub"] {
                if let value = upstream[key] as? String, !value.isEmpty { secrets.insert(value) }
            }
            secrets.formUnion(upstream["refresh_tokens"] as? [String] ?? [])
        }
        let headerText = answer.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        for secret in secrets {
            XCTAssertFalse(answer.body.contains(secret), "the body names an account (\(secret)): \(answer.body)", file: file, line: line)
            XCTAssertFalse(headerText.contains(secret), "a header names an account (\(secret)): \(headerText)", file: file, line: line)
        }
    }
}
