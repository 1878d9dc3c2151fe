import Foundation
import XCTest
@testable import SwitchyardCurl

/// `perform(_:onHeaders:onChunk:)`: incremental delivery and aborting from the callback.
final class CurlEasyClientStreamingTests: XCTestCase {
    /// The server sends each chunk only after the client reported the previous one, so a client
    /// that buffered the body would make every wait time out.
    func testChunkedBodyArrivesIncrementally() throws {
        let pieces = ["data: one\n\n", "data: two\n\n", "data: three\n\n"]
        let received = DispatchSemaphore(value: 0)
        let serverWaitsTimedOut = LockedCounter()
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in pieces {
                connection.sendChunk(piece)
                if received.wait(timeout: .now() + 5) == .timedOut { serverWaitsTimedOut.increment() }
            }
            connection.sendChunk("")
        }
        defer { server.stop() }

        var chunks: [[UInt8]] = []
        var headsSeen: [HTTPResponseHead] = []
        let head = try CurlEasyClient().perform(
            HTTPRequest(url: server.baseURL + "/stream", timeout: .seconds(30)),
            onHeaders: { headsSeen.append($0) },
            onChunk: { chunk in
                XCTAssertEqual(headsSeen.count, 1, "headers come before the first chunk")
                chunks.append(chunk)
                received.signal()
                return true
            }
        )
        XCTAssertEqual(serverWaitsTimedOut.value, 0, "every chunk reached the client before the next was sent")
        XCTAssertEqual(chunks.count, pieces.count)
        XCTAssertEqual(chunks.map { String(decoding: $0, as: UTF8.self) }, pieces)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-type"), "text/event-stream")
        XCTAssertEqual(headsSeen.map(\.status), [200])
    }

    func testReturningFalseFromOnChunkAbortsAndClosesTheConnection() throws {
        let clientLeft = LockedCounter()
        let server = try TestHTTPServer.stallingAfterFirstChunk(patience: .seconds(10)) { clientLeft.increment() }
        defer { server.stop() }

        let client = CurlEasyClient()
        var chunkCount = 0
        let started = ContinuousClock.now
        XCTAssertThrowsError(try client.perform(
            HTTPRequest(url: server.baseURL + "/stream", timeout: .seconds(30)),
            onHeaders: { _ in },
            onChunk: { _ in
                chunkCount += 1
                return false
            }
        )) { error in
            XCTAssertEqual((error as? CurlError)?.code, .abortedByCallback)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertEqual(chunkCount, 1)
        // The server sees the disconnect: this is how a client going away reaches upstream.
        let deadline = ContinuousClock.now + .seconds(10)
        while clientLeft.value == 0, ContinuousClock.now < deadline { usleep(10_000) }
        XCTAssertEqual(clientLeft.value, 1)

        let after = try client.perform(HTTPRequest(url: server.baseURL + "/after", timeout: .seconds(5)))
        XCTAssertEqual(String(decoding: after.body, as: UTF8.self), "still works", "the handle is usable after an abort")
    }

    func testStreamingWithoutBodyStillDeliversHeaders() throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(status: 204, reason: "No Content") }
        defer { server.stop() }
        var heads: [Int] = []
        var chunks = 0
        let head = try CurlEasyClient().perform(
            HTTPRequest(url: server.baseURL),
            onHeaders: { heads.append($0.status) },
            onChunk: { _ in
                chunks += 1
                return true
            }
        )
        XCTAssertEqual(head.status, 204)
        XCTAssertEqual(heads, [204])
        XCTAssertEqual(chunks, 0)
    }
}

/// A counter shared between a server thread and the test.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
