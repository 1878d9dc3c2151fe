import Foundation
import XCTest
@testable import SwitchyardCurl

extension CurlMultiClient {
    /// A client whose poll never times out within a test, so that anything relying on a missing
    /// `curl_multi_wakeup` stalls and fails instead of passing a second late.
    static func forTests(maxConnectionsPerHost: Int = 0) -> CurlMultiClient {
        CurlMultiClient(settings: CurlMultiSettings(
            name: "curl-test", maxConnectionsPerHost: maxConnectionsPerHost, multiplexing: true, longestPoll: 120_000
        ))
    }
}

/// Round trips through `CurlMultiClient`: what reaches the server, what reaches the sink.
final class CurlMultiClientTests: XCTestCase {
    func testPostRoundTripCarriesHeadersAndBodyBothWays() throws {
        let server = try TestHTTPServer.canned { request in
            TestResponse(status: 201, reason: "Created", headers: [("X-Method", request.method), ("X-Seen", request.header("x-token") ?? "")],
                         body: request.body.reversed())
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let payload = Array(#"{"model":"m","stream":true}"#.utf8) + [0, 255]
        let sink = RecordingSink()
        let request = HTTPRequest(method: .post, url: server.baseURL + "/v1/messages?beta=true",
                                  headers: [("X-Token", "abc"), ("X-Empty", "")], body: payload)
        client.start(request, sink: sink)

        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertNil(sink.error)
        XCTAssertEqual(sink.head?.status, 201)
        XCTAssertEqual(sink.head?.header("x-method"), "POST")
        XCTAssertEqual(sink.head?.header("X-SEEN"), "abc")
        XCTAssertEqual(sink.body, payload.reversed())
        let seen = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(seen.target, "/v1/messages?beta=true")
        XCTAssertEqual(seen.body, payload)
        XCTAssertEqual(seen.header("x-empty"), "")
        XCTAssertNil(seen.header("Expect"))
        XCTAssertNil(seen.header("Content-Type"))
        XCTAssertEqual(client.activeTransfers, 0)
    }

    func testGetHeadAndEmptyBodiesDeliverTheHeadBeforeCompleting() throws {
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                switch request.method {
                case "HEAD": connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Head: yes\r\n\r\n")
                case "DELETE": connection.send(TestResponse(status: 204, reason: "No Content"))
                default: connection.send(TestResponse(body: Array("got \(request.method) \(request.body.count)".utf8)))
                }
            }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let cases: [(HTTPRequest, status: Int, body: String)] = [
            (HTTPRequest(url: server.baseURL), 200, "got GET 0"),
            (HTTPRequest(method: .head, url: server.baseURL), 200, ""),
            (HTTPRequest(method: .delete, url: server.baseURL), 204, ""),
            (HTTPRequest(method: .post, url: server.baseURL), 200, "got POST 0"),
            (HTTPRequest(method: .put, url: server.baseURL, body: []), 200, "got PUT 0"),
        ]
        for (request, status, body) in cases {
            let sink = RecordingSink()
            client.start(request, sink: sink)
            XCTAssertTrue(sink.waitForCompletion(), "\(request.method)")
            assertSinkContract(sink)
            XCTAssertNil(sink.error, "\(request.method)")
            XCTAssertEqual(sink.head?.status, status, "\(request.method)")
            XCTAssertEqual(sink.bodyText, body, "\(request.method)")
        }
        XCTAssertEqual(server.requests.map(\.method), ["GET", "HEAD", "DELETE", "POST", "PUT"])
    }

    func testManyConcurrentTransfersAllComplete() throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests(maxConnectionsPerHost: 12)
        defer { client.shutdown() }
        let sinks = (0..<200).map { index in
            let sink = RecordingSink()
            client.start(HTTPRequest(url: server.baseURL + "/\(index)", timeout: .seconds(60)), sink: sink)
            return sink
        }
        for (index, sink) in sinks.enumerated() {
            XCTAssertTrue(sink.waitForCompletion(timeout: 60), "transfer \(index)")
            assertSinkContract(sink)
            XCTAssertNil(sink.error, "transfer \(index)")
            XCTAssertEqual(sink.bodyText, "/\(index)")
        }
        XCTAssertEqual(server.requests.count, 200)
        XCTAssertLessThanOrEqual(server.connectionsAccepted, 12, "maxConnectionsPerHost holds")
        XCTAssertEqual(client.activeTransfers, 0)
    }

    func testSequentialRequestsReuseOneConnection() async throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        for index in 0..<20 {
            let response = try await client.perform(HTTPRequest(url: server.baseURL + "/\(index)"))
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "/\(index)")
        }
        XCTAssertEqual(server.connectionsAccepted, 1, "keep-alive connection reused")
    }

    /// libcurl's default cache holds four connections per transfer *currently* in the multi
    /// handle, so the tail of a burst — transfers ending one by one while few remain — closed
    /// connections the next burst then had to open again (5% of requests reconnected in the
    /// proxy benchmark; with TLS each is a handshake). Here answers are released one at a time,
    /// each after the previous transfer completed: the second burst must find all eight open.
    func testConnectionsOfABurstSurviveItsTailForTheNextBurst() throws {
        let width = 8
        let release = (0..<(2 * width)).map { _ in DispatchSemaphore(value: 0) }
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                guard let index = Int(request.target.dropFirst()) else { return }
                release[index].wait()
                guard connection.send(TestResponse(body: Array(request.target.utf8))) else { return }
            }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        for burst in 0..<2 {
            let indices = (burst * width)..<((burst + 1) * width)
            let sinks = indices.map { index in
                let sink = RecordingSink()
                client.start(HTTPRequest(url: server.baseURL + "/\(index)", timeout: .seconds(60)), sink: sink)
                return sink
            }
            // All of the burst in flight at once: one connection each.
            let deadline = Date().addingTimeInterval(30)
            while server.requests.count < indices.upperBound, Date() < deadline { usleep(1_000) }
            XCTAssertEqual(server.requests.count, indices.upperBound, "burst \(burst) all in flight")
            for (index, sink) in zip(indices, sinks) {
                release[index].signal()
                XCTAssertTrue(sink.waitForCompletion(), "transfer \(index)")
                XCTAssertEqual(sink.bodyText, "/\(index)")
            }
        }
        XCTAssertEqual(server.connectionsAccepted, width, "the second burst reused the first burst's connections")
    }

    func testAsyncPerformBuffersTheWholeResponse() async throws {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try TestHTTPServer.canned { _ in TestResponse(status: 503, reason: "Busy", headers: [("Retry-After", "7")], body: body) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let response = try await client.perform(HTTPRequest(url: server.baseURL))
        XCTAssertEqual(response.status, 503, "an HTTP error status is a response, not a throw")
        XCTAssertEqual(response.header("retry-after"), "7")
        XCTAssertEqual(response.body, body)
    }

    func testUnixSocketPath() async throws {
        let path = "/tmp/sy-multi-\(getpid()).sock"
        let server = try TestHTTPServer(unixSocketPath: path) { connection in
            while let request = connection.readRequest() {
                connection.send(TestResponse(body: Array("via unix \(request.header("Host") ?? "")".utf8)))
            }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let response = try await client.perform(HTTPRequest(url: "http://worker.local/health", unixSocketPath: path))
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "via unix worker.local")
    }
}
