import Foundation
import XCTest
@testable import SwitchyardCurl

/// Failures, proxies and the end of the client.
final class CurlMultiClientErrorTests: XCTestCase {
    func testConnectionRefusedIsCouldNotConnect() throws {
        let refusing = try TestSocket.refusingLoopbackPort()
        defer { close(refusing.fd) }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        client.start(HTTPRequest(url: "http://127.0.0.1:\(refusing.port)/", timeout: .seconds(10)), sink: sink)
        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertEqual(sink.error?.code, .couldNotConnect)
        XCTAssertEqual(sink.error?.curlCode, 7)
        XCTAssertNil(sink.head, "no head when the transfer fails before one arrived")
    }

    func testInvalidRequestsCompleteWithoutSendingAnything() throws {
        let server = try TestHTTPServer.canned { _ in TestResponse() }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let cases: [(HTTPRequest, CurlError.Code)] = [
            (HTTPRequest(url: server.baseURL, headers: [("X-Injected", "a\r\nEvil: 1")]), .invalidRequest),
            (HTTPRequest(method: HTTPMethod(rawValue: "GET /x HTTP/1.1\r\n"), url: server.baseURL), .invalidRequest),
            (HTTPRequest(url: server.baseURL + "\u{0}/hidden"), .invalidRequest),
            (HTTPRequest(url: "file:///etc/passwd"), .unsupportedProtocol),
        ]
        for (request, code) in cases {
            let sink = RecordingSink()
            client.start(request, sink: sink)
            XCTAssertTrue(sink.waitForCompletion())
            assertSinkContract(sink)
            XCTAssertEqual(sink.error?.code, code, request.url)
        }
        XCTAssertEqual(server.requests.count, 0)
        XCTAssertEqual(client.activeTransfers, 0)
    }

    func testHTTPProxyReceivesAbsoluteFormRequest() async throws {
        let proxy = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { proxy.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://upstream.invalid/v1/messages", timeout: .seconds(10), proxyURL: proxy.baseURL)
        let response = try await client.perform(request)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "http://upstream.invalid/v1/messages")
    }

    func testSocks5hProxyTunnelsByName() async throws {
        let proxy = try TestHTTPServer { connection in
            guard let target = connection.acceptSocks5() else { return }
            while let request = connection.readRequest() {
                connection.send(TestResponse(body: Array("\(target.addressType) \(target.host):\(target.port) \(request.target)".utf8)))
            }
        }
        defer { proxy.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://localhost:8080/models", timeout: .seconds(10), proxyURL: "socks5h://127.0.0.1:\(proxy.port)")
        let response = try await client.perform(request)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "3 localhost:8080 /models")
    }

    func testWithoutProxyURLEnvironmentProxiesAreIgnored() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(body: Array("direct".utf8)) }
        defer { server.stop() }
        let refusing = try TestSocket.refusingLoopbackPort()
        defer { close(refusing.fd) }
        setenv("http_proxy", "http://127.0.0.1:\(refusing.port)", 1)
        defer { unsetenv("http_proxy") }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let response = try await client.perform(HTTPRequest(url: server.baseURL, timeout: .seconds(10)))
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "direct")
    }

    func testTotalTimeoutIsTimedOut() throws {
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            _ = connection.waitForPeerClose(timeout: .seconds(30))
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL, timeout: .milliseconds(300)), sink: sink)
        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertEqual(sink.error?.code, .timedOut)
    }

    /// A listener whose accept queue is full drops further SYNs, so the connect hangs.
    func testConnectTimeoutIsTimedOut() throws {
        let (listener, port) = try TestSocket.listenLoopback(backlog: 0)
        defer { close(listener) }
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 { fillers.append(try TestSocket.connectLoopback(port: port, timeout: .milliseconds(200))) }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        let started = ContinuousClock.now
        client.start(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .seconds(20), connectTimeout: .milliseconds(300)), sink: sink)
        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertEqual(sink.error?.code, .timedOut)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(15), "the connect limit, not the total one, fired")
    }

    func testShutdownCancelsEveryRunningTransferAndRefusesLaterOnes() throws {
        let clientsLeft = LockedCounter()
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.sendChunk("first")
            if connection.waitForPeerClose(timeout: .seconds(30)) { clientsLeft.increment() }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        let sinks = (0..<5).map { _ in RecordingSink() }
        for sink in sinks { client.start(HTTPRequest(url: server.baseURL), sink: sink) }
        for sink in sinks { XCTAssertEqual(sink.firstBodyReceived.wait(timeout: .now() + 30), .success) }
        XCTAssertEqual(client.activeTransfers, 5)

        client.shutdown()
        for sink in sinks {
            XCTAssertTrue(sink.isCompleted, "shutdown returns after every transfer completed")
            XCTAssertEqual(sink.error?.code, .cancelled)
            assertSinkContract(sink)
        }
        XCTAssertEqual(client.activeTransfers, 0)
        client.shutdown()

        let late = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL), sink: late)
        XCTAssertTrue(late.isCompleted, "a start after shutdown completes before start returns")
        XCTAssertEqual(late.error?.code, .cancelled)
        XCTAssertEqual(client.activeTransfers, 0)
        let deadline = ContinuousClock.now + .seconds(10)
        while clientsLeft.value < 5, ContinuousClock.now < deadline { usleep(10_000) }
        XCTAssertEqual(clientsLeft.value, 5, "every connection was closed")
    }

    func testShutdownOfAnUnusedClientIsHarmless() {
        let client = CurlMultiClient.forTests()
        client.shutdown()
        client.shutdown()
        XCTAssertEqual(client.activeTransfers, 0)
    }

    /// Sinks may call back into the client: start the next transfer, or even shut it down,
    /// from their own callbacks on the client's thread.
    func testSinksMayStartTransfersAndShutDownFromTheirCallbacks() throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        let last = RecordingSink()
        let chained = ChainingSink(client: client, url: server.baseURL, remaining: 5, last: last)
        client.start(HTTPRequest(url: server.baseURL + "/chain"), sink: chained)
        XCTAssertTrue(last.waitForCompletion())
        XCTAssertEqual(last.bodyText, "/chain")
        XCTAssertEqual(server.requests.count, 6)

        let shuttingDown = ShutdownSink(client: client)
        client.start(HTTPRequest(url: server.baseURL + "/x"), sink: shuttingDown)
        XCTAssertEqual(shuttingDown.completed.wait(timeout: .now() + 30), .success)
        client.shutdown()
        let late = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL), sink: late)
        XCTAssertEqual(late.error?.code, .cancelled)
    }
}

/// Starts the next transfer from `complete`, `remaining` times, then hands the last one to `last`.
private final class ChainingSink: CurlTransferSink, @unchecked Sendable {
    let client: CurlMultiClient
    let url: String
    let remaining: Int
    let last: RecordingSink

    init(client: CurlMultiClient, url: String, remaining: Int, last: RecordingSink) {
        (self.client, self.url, self.remaining, self.last) = (client, url, remaining, last)
    }

    func receive(head: HTTPResponseHead) {}
    func receive(body: UnsafeRawBufferPointer) -> CurlFlow { .proceed }
    func complete(_ error: CurlError?) {
        let next: any CurlTransferSink = remaining > 1
            ? ChainingSink(client: client, url: url, remaining: remaining - 1, last: last) : last
        client.start(HTTPRequest(url: url + "/chain"), sink: next)
    }
}

/// Shuts its client down from `complete`, on the client's own thread: must not wait for itself.
private final class ShutdownSink: CurlTransferSink, @unchecked Sendable {
    let client: CurlMultiClient
    let completed = DispatchSemaphore(value: 0)

    init(client: CurlMultiClient) { self.client = client }

    func receive(head: HTTPResponseHead) {}
    func receive(body: UnsafeRawBufferPointer) -> CurlFlow { .proceed }
    func complete(_ error: CurlError?) {
        client.shutdown()
        completed.signal()
    }
}
