import XCTest
@testable import SwitchyardCurl

/// Plain request/response behaviour of `CurlEasyClient` against a local server.
final class CurlEasyClientTests: XCTestCase {
    override class func setUp() {
        Curl.globalInit()
    }

    func testGetReturnsStatusAndBody() throws {
        let cases: [(status: Int, reason: String, body: String)] = [
            (200, "OK", "hello"),
            (404, "Not Found", "no such thing"),
            (503, "Service Unavailable", ""),
        ]
        for testCase in cases {
            let server = try TestHTTPServer.canned { _ in
                TestResponse(status: testCase.status, reason: testCase.reason, body: Array(testCase.body.utf8))
            }
            defer { server.stop() }
            let response = try CurlEasyClient().perform(HTTPRequest(url: server.baseURL + "/v1/thing?x=1"))
            XCTAssertEqual(response.status, testCase.status)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), testCase.body)
            XCTAssertEqual(server.requests.map(\.method), ["GET"])
            XCTAssertEqual(server.requests.map(\.target), ["/v1/thing?x=1"])
        }
    }

    func testBodyIsSentAndEchoedForEachMethod() throws {
        let server = try TestHTTPServer.canned { request in
            TestResponse(headers: [("X-Method", request.method)], body: request.body)
        }
        defer { server.stop() }
        let client = CurlEasyClient()
        let payload = Array(#"{"model":"x","stream":true}"#.utf8) + [0, 255, 10]
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            let response = try client.perform(HTTPRequest(method: method, url: server.baseURL + "/echo", body: payload))
            XCTAssertEqual(response.body, payload, "\(method)")
            XCTAssertEqual(response.header("x-method"), method.rawValue)
        }
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertNil(request.header("Expect"), "curl's Expect: 100-continue must be removed")
        XCTAssertNil(request.header("Content-Type"), "curl's form Content-Type must be removed")
    }

    func testEmptyPostSendsZeroLengthBody() throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array("\(request.body.count)".utf8)) }
        defer { server.stop() }
        let client = CurlEasyClient()
        for body in [nil, [UInt8]()] {
            let response = try client.perform(HTTPRequest(method: .post, url: server.baseURL, body: body, timeout: .seconds(5)))
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "0")
        }
        XCTAssertEqual(server.requests.map { $0.header("Content-Length") }, ["0", "0"])
    }

    func testRequestHeadersAreSentInOrder() throws {
        let server = try TestHTTPServer.canned { _ in TestResponse() }
        defer { server.stop() }
        let headers = [
            (name: "Authorization", value: "Bearer test"),
            (name: "X-Empty", value: ""),
            (name: "Content-Type", value: "application/json"),
        ]
        _ = try CurlEasyClient().perform(HTTPRequest(method: .post, url: server.baseURL, headers: headers, body: [1]))
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.header("authorization"), "Bearer test")
        XCTAssertEqual(request.header("x-empty"), "")
        XCTAssertEqual(request.header("content-type"), "application/json")
        let names = request.headers.map(\.name).filter { ["Authorization", "X-Empty", "Content-Type"].contains($0) }
        XCTAssertEqual(names, ["Authorization", "X-Empty", "Content-Type"])
    }

    func testResponseHeadersAreParsedAndLookedUpCaseInsensitively() throws {
        let server = try TestHTTPServer.canned { _ in
            TestResponse(headers: [
                ("X-RateLimit-Reset", "1700000000"),
                ("Set-Cookie", "a=1"),
                ("set-cookie", "b=2"),
                ("Content-Type", "text/event-stream; charset=utf-8"),
            ])
        }
        defer { server.stop() }
        let response = try CurlEasyClient().perform(HTTPRequest(url: server.baseURL))
        XCTAssertEqual(response.header("x-ratelimit-reset"), "1700000000")
        XCTAssertEqual(response.header("X-RATELIMIT-RESET"), "1700000000")
        XCTAssertEqual(response.header("CONTENT-type"), "text/event-stream; charset=utf-8")
        XCTAssertEqual(response.headers(named: "SET-COOKIE"), ["a=1", "b=2"])
        XCTAssertNil(response.header("x-missing"))
        XCTAssertEqual(response.headers.first?.name, "X-RateLimit-Reset", "names keep the server's spelling")
    }

    func testHeadReturnsHeadersWithoutBody() throws {
        let server = try TestHTTPServer { connection in
            while connection.readRequest() != nil {
                connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Head: yes\r\n\r\n")
            }
        }
        defer { server.stop() }
        let response = try CurlEasyClient().perform(HTTPRequest(method: .head, url: server.baseURL, timeout: .seconds(5)))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("x-head"), "yes")
        XCTAssertEqual(response.body, [])
        XCTAssertEqual(server.requests.map(\.method), ["HEAD"])
    }

    func testHandleIsReusedAcrossRequestsOnOneConnection() throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlEasyClient()
        let first = try client.perform(HTTPRequest(method: .post, url: server.baseURL + "/a", headers: [("X-Only-First", "1")], body: [1, 2]))
        let second = try client.perform(HTTPRequest(url: server.baseURL + "/b"))
        XCTAssertEqual(String(decoding: first.body, as: UTF8.self), "/a")
        XCTAssertEqual(String(decoding: second.body, as: UTF8.self), "/b")
        XCTAssertEqual(server.connectionsAccepted, 1, "keep-alive connection reused")
        // The reset between transfers must drop the first request's method, headers and body.
        XCTAssertEqual(server.requests.map(\.method), ["POST", "GET"])
        XCTAssertNil(server.requests.last?.header("X-Only-First"))
        XCTAssertEqual(server.requests.last?.body, [])
    }

    func testUnixSocketPath() throws {
        let path = "/tmp/sy-curl-test-\(getpid()).sock"
        let server = try TestHTTPServer(unixSocketPath: path) { connection in
            while let request = connection.readRequest() {
                connection.send(TestResponse(body: Array("via unix \(request.header("Host") ?? "")".utf8)))
            }
        }
        defer { server.stop() }
        let response = try CurlEasyClient().perform(HTTPRequest(url: "http://worker.local/health", unixSocketPath: path))
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "via unix worker.local")
    }

    func testAsyncPerform() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(status: 201, reason: "Created", body: [7]) }
        defer { server.stop() }
        let response = try await CurlEasyClient().perform(HTTPRequest(url: server.baseURL))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.body, [7])
    }

    func testConcurrentCallersAreSerialised() async throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlEasyClient()
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let response = try await client.perform(HTTPRequest(url: server.baseURL + "/\(index)"))
                    return String(decoding: response.body, as: UTF8.self)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(bodies, Set((0..<8).map { "/\($0)" }))
    }
}
