import Foundation
import XCTest
@testable import SwitchyardCurl

/// Transport failures come out as typed `CurlError`s.
final class CurlEasyClientErrorTests: XCTestCase {
    func testConnectionRefusedIsCouldNotConnect() throws {
        let refusing = try TestSocket.refusingLoopbackPort()
        defer { close(refusing.fd) }
        let request = HTTPRequest(url: "http://127.0.0.1:\(refusing.port)/", timeout: .seconds(5))
        XCTAssertThrowsError(try CurlEasyClient().perform(request)) { error in
            let curlError = error as? CurlError
            XCTAssertEqual(curlError?.code, .couldNotConnect)
            XCTAssertEqual(curlError?.curlCode, 7)
            XCTAssertFalse(curlError?.message.isEmpty ?? true, "carries curl's message")
        }
    }

    func testTotalTimeoutIsTimedOut() throws {
        let server = try Self.silentServer()
        defer { server.stop() }
        let started = ContinuousClock.now
        XCTAssertThrowsError(try CurlEasyClient().perform(HTTPRequest(url: server.baseURL, timeout: .milliseconds(300)))) { error in
            XCTAssertEqual((error as? CurlError)?.code, .timedOut)
        }
        let elapsed = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(250))
        XCTAssertLessThan(elapsed, .seconds(5))
    }

    /// Headers and a first chunk arrive, then nothing: the idle limit, not a total limit, fires.
    func testIdleTimeoutIsTimedOut() throws {
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.sendChunk("partial")
            _ = connection.waitForPeerClose(timeout: .seconds(15))
        }
        defer { server.stop() }
        var received: [UInt8] = []
        let started = ContinuousClock.now
        let request = HTTPRequest(url: server.baseURL, idleTimeout: .milliseconds(500))
        XCTAssertThrowsError(try CurlEasyClient().perform(request, onHeaders: { _ in }, onChunk: { chunk in
            received += chunk
            return true
        })) { error in
            XCTAssertEqual((error as? CurlError)?.code, .timedOut)
        }
        XCTAssertEqual(String(decoding: received, as: UTF8.self), "partial")
        let elapsed = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(450))
        XCTAssertLessThan(elapsed, .seconds(3))
    }

    func testCancellingTheAwaitingTaskCancelsTheTransfer() async throws {
        let server = try Self.silentServer()
        defer { server.stop() }
        let client = CurlEasyClient()
        let task = Task { try await client.perform(HTTPRequest(url: server.baseURL, timeout: .seconds(20))) }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        await assertEndsCancelled(task)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
    }

    func testInvalidRequestsFailBeforeAnythingIsSent() throws {
        let server = try TestHTTPServer.canned { _ in TestResponse() }
        defer { server.stop() }
        let client = CurlEasyClient()
        let requests = [
            HTTPRequest(url: server.baseURL, headers: [("X-Injected", "a\r\nEvil: 1")]),
            HTTPRequest(url: server.baseURL, headers: [("Bad Name", "x")]),
            HTTPRequest(method: HTTPMethod(rawValue: "GET /x HTTP/1.1\r\n"), url: server.baseURL),
            HTTPRequest(url: server.baseURL + "\u{0}/hidden"),
        ]
        for request in requests {
            XCTAssertThrowsError(try client.perform(request)) { error in
                XCTAssertEqual((error as? CurlError)?.code, .invalidRequest, "\(request.method) \(request.headers)")
            }
        }
        XCTAssertThrowsError(try client.perform(HTTPRequest(url: "file:///etc/passwd"))) { error in
            XCTAssertEqual((error as? CurlError)?.code, .unsupportedProtocol)
        }
        XCTAssertEqual(server.requests.count, 0)
    }

    /// Accepts, reads the request, never answers; holds the connection until the client leaves.
    private static func silentServer() throws -> TestHTTPServer {
        try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            _ = connection.waitForPeerClose(timeout: .seconds(30))
        }
    }
}
