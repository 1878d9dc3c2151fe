import Foundation
import XCTest
@testable import SwitchyardCurl

/// Cancellation, idle limits, and how both reach the server.
final class CurlMultiClientCancellationTests: XCTestCase {
    /// The client's poll never times out in tests, so a prompt completion here can only come
    /// from `curl_multi_wakeup`.
    func testCancelDuringAStalledResponseCompletesPromptlyAndClosesTheConnection() throws {
        let clientLeft = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer.stallingAfterFirstChunk(patience: .seconds(60)) { clientLeft.signal() }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        let transfer = client.start(HTTPRequest(url: server.baseURL + "/stream"), sink: sink)
        XCTAssertEqual(sink.firstBodyReceived.wait(timeout: .now() + 30), .success)

        let started = ContinuousClock.now
        transfer.cancel()
        XCTAssertTrue(sink.waitForCompletion(timeout: 30))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "woken, not polled")
        XCTAssertEqual(sink.error?.code, .cancelled)
        XCTAssertEqual(sink.bodyText, "first")
        assertSinkContract(sink)
        XCTAssertEqual(clientLeft.wait(timeout: .now() + 30), .success, "the server sees the connection close")
        XCTAssertEqual(client.activeTransfers, 0)

        let after = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL + "/after"), sink: after)
        XCTAssertTrue(after.waitForCompletion())
        XCTAssertEqual(after.bodyText, "still works")
    }

    func testCancellingTheAwaitingTaskCancelsPerform() async throws {
        let requestArrived = DispatchSemaphore(value: 0)
        let clientLeft = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            requestArrived.signal()
            if connection.waitForPeerClose(timeout: .seconds(60)) { clientLeft.signal() }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let task = Task { try await client.perform(HTTPRequest(url: server.baseURL)) }
        XCTAssertEqual(requestArrived.wait(timeout: .now() + 30), .success)
        task.cancel()
        await assertEndsCancelled(task)
        XCTAssertEqual(clientLeft.wait(timeout: .now() + 30), .success)

        let cancelledBeforeStart = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.perform(HTTPRequest(url: server.baseURL))
        }
        do {
            _ = try await cancelledBeforeStart.value
            XCTFail("a task cancelled before perform must not send anything")
        } catch {
            XCTAssertEqual((error as? CurlError)?.code, .cancelled)
        }
        XCTAssertEqual(server.requests.count, 1)
    }

    /// Headers and a first chunk arrive, then nothing: the idle limit fires and the connection
    /// is closed.
    func testIdleTimeoutFiresOnAStalledServer() throws {
        let clientLeft = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.sendChunk("partial")
            if connection.waitForPeerClose(timeout: .seconds(60)) { clientLeft.signal() }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        let started = ContinuousClock.now
        client.start(HTTPRequest(url: server.baseURL, idleTimeout: .milliseconds(400)), sink: sink)
        XCTAssertTrue(sink.waitForCompletion())
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(sink.error?.code, .timedOut)
        XCTAssertEqual(sink.bodyText, "partial")
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(390))
        XCTAssertLessThan(elapsed, .seconds(20))
        assertSinkContract(sink)
        XCTAssertEqual(clientLeft.wait(timeout: .now() + 30), .success)
    }

    /// The server sent everything and waits; the consumer paused at the first chunk and takes
    /// far longer than the idle limit. That is a slow consumer, not an idle upstream.
    func testIdleTimeoutDoesNotFireWhilePaused() throws {
        let body = (0..<(512 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 3) }
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send(TestResponse(body: body))
            _ = connection.waitForPeerClose(timeout: .seconds(60))
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink(flow: { _, index in index == 0 ? .pause : .proceed })
        client.start(HTTPRequest(url: server.baseURL, idleTimeout: .milliseconds(200)), sink: sink)
        XCTAssertEqual(sink.firstBodyReceived.wait(timeout: .now() + 30), .success)

        // Ten idle limits and then some: had the pause counted as idle, it would have ended.
        XCTAssertFalse(sink.waitForCompletion(timeout: 2.5), "paused, not idle")
        XCTAssertEqual(sink.chunkCount, 1)
        sink.resumeFromConsumer()
        XCTAssertTrue(sink.waitForCompletion())
        XCTAssertNil(sink.error)
        XCTAssertTrue(sink.body == body)
        assertSinkContract(sink)
    }
}
