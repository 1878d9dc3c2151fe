import Foundation
import XCTest
@testable import SwitchyardCurl

/// Incremental delivery and backpressure.
final class CurlMultiClientStreamingTests: XCTestCase {
    /// The server sends the last chunk only after the test saw the first one arrive in the sink,
    /// so a client that buffered the body would time the server's wait out.
    func testFirstChunkArrivesBeforeTheServerSendsTheLast() throws {
        let sawFirst = DispatchSemaphore(value: 0)
        let serverWaitTimedOut = LockedCounter()
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.sendChunk("data: one\n\n")
            if sawFirst.wait(timeout: .now() + 30) == .timedOut { serverWaitTimedOut.increment() }
            connection.sendChunk("data: two\n\n")
            connection.sendChunk("")
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL + "/stream"), sink: sink)

        XCTAssertEqual(sink.headReceived.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(sink.head?.header("content-type"), "text/event-stream")
        XCTAssertEqual(sink.firstBodyReceived.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(sink.bodyText, "data: one\n\n")
        XCTAssertFalse(sink.isCompleted)
        sawFirst.signal()

        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertNil(sink.error)
        XCTAssertEqual(sink.bodyText, "data: one\n\ndata: two\n\n")
        XCTAssertEqual(serverWaitTimedOut.value, 0)
    }

    /// The head reaches the sink as soon as it is complete, before any body byte exists.
    func testHeadArrivesBeforeAnyBody() throws {
        let sawHead = DispatchSemaphore(value: 0)
        let server = try TestHTTPServer { connection in
            guard connection.readRequest() != nil else { return }
            connection.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Final: yes\r\n\r\n")
            _ = sawHead.wait(timeout: .now() + 30)
            connection.sendChunk("late")
            connection.sendChunk("")
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        client.start(HTTPRequest(url: server.baseURL), sink: sink)
        XCTAssertEqual(sink.headReceived.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(sink.head?.status, 200, "the interim 100 is skipped")
        XCTAssertEqual(sink.head?.header("x-final"), "yes")
        XCTAssertEqual(sink.chunkCount, 0)
        sawHead.signal()
        XCTAssertTrue(sink.waitForCompletion())
        assertSinkContract(sink)
        XCTAssertEqual(sink.bodyText, "late")
    }

    /// 4 MiB in chunks of odd sizes; the sink pauses after every chunk (then at random) and a
    /// consumer thread resumes it. Every byte must arrive once, in order, and none while paused.
    func testPauseAndResumeDeliverEveryByteOnceInOrder() throws {
        let body = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
        let server = try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                if request.target == "/chunked" {
                    connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    var offset = 0
                    while offset < body.count {
                        let size = min(body.count - offset, [1, 17, 4096, 70_000, 200_000][offset % 5])
                        connection.sendChunk(bytes: Array(body[offset..<offset + size]))
                        offset += size
                    }
                    connection.sendChunk("")
                } else {
                    connection.send(TestResponse(body: body))
                }
            }
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let consumer = DispatchQueue(label: "consumer")
        for (path, randomly) in [("/length", false), ("/chunked", false), ("/length", true), ("/chunked", true)] {
            let sink = RecordingSink.pausing(randomly: randomly, resumeOn: consumer)
            client.start(HTTPRequest(url: server.baseURL + path, idleTimeout: .seconds(30)), sink: sink)
            XCTAssertTrue(sink.waitForCompletion(timeout: 120), path)
            assertSinkContract(sink)
            XCTAssertNil(sink.error, path)
            XCTAssertEqual(sink.body.count, body.count, path)
            XCTAssertTrue(sink.body == body, "bytes in order, none lost or repeated (\(path))")
            XCTAssertGreaterThan(sink.pauseCount, 10, path)
        }
        XCTAssertEqual(server.connectionsAccepted, 1, "paused transfers still end cleanly and reuse the connection")
    }

    /// A consumer that drains instantly may call `resume()` before the sink even returned
    /// `.pause`; that resume must not be lost.
    func testResumeRacingThePauseIsNotLost() throws {
        let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0) }
        let server = try TestHTTPServer.canned { _ in TestResponse(body: body) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink(flow: { sink, _ in
            sink.transfer?.resume()
            return .pause
        })
        client.start(HTTPRequest(url: server.baseURL), sink: sink)
        XCTAssertTrue(sink.waitForCompletion())
        XCTAssertNil(sink.error)
        XCTAssertTrue(sink.body == body)
        XCTAssertEqual(sink.callingThreads.count, 1)
    }

    /// Resume and cancel after the end do nothing; resume while not paused is harmless.
    func testResumeAndCancelOutsideAPauseAreHarmless() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(body: Array("fine".utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let sink = RecordingSink()
        let transfer = client.start(HTTPRequest(url: server.baseURL), sink: sink)
        transfer.resume()
        transfer.resume()
        XCTAssertTrue(sink.waitForCompletion())
        transfer.resume()
        transfer.cancel()
        transfer.cancel()
        XCTAssertNil(sink.error)
        XCTAssertEqual(sink.bodyText, "fine")
        let after = try await client.perform(HTTPRequest(url: server.baseURL))
        XCTAssertEqual(String(decoding: after.body, as: UTF8.self), "fine")
        assertSinkContract(sink)
    }

    /// Many transfers pausing at random at once, resumed by several consumer threads: each
    /// still gets exactly its own bytes.
    func testConcurrentPausingTransfersKeepTheirOwnBytes() throws {
        let base = (0..<(256 << 10)).map { UInt8(truncatingIfNeeded: $0) }
        let bodies = (0..<24).map { seed in base.map { $0 &+ UInt8(seed) } }
        let server = try TestHTTPServer.canned { request in
            TestResponse(body: bodies[Int(request.target.dropFirst()) ?? 0])
        }
        defer { server.stop() }
        let client = CurlMultiClient.forTests(maxConnectionsPerHost: 8)
        defer { client.shutdown() }
        let consumers = DispatchQueue(label: "consumers", attributes: .concurrent)
        let sinks = bodies.indices.map { index in
            let sink = RecordingSink.pausing(randomly: true, resumeOn: consumers)
            client.start(HTTPRequest(url: server.baseURL + "/\(index)"), sink: sink)
            return sink
        }
        for (index, sink) in sinks.enumerated() {
            XCTAssertTrue(sink.waitForCompletion(timeout: 120), "transfer \(index)")
        }
        XCTAssertGreaterThan(sinks.map(\.pauseCount).reduce(0, +), 100, "the transfers did pause")
        for (index, sink) in sinks.enumerated() {
            assertSinkContract(sink)
            XCTAssertNil(sink.error)
            XCTAssertTrue(sink.body == bodies[index], "transfer \(index) got its own bytes in order")
        }
        XCTAssertEqual(client.activeTransfers, 0)
    }
}
