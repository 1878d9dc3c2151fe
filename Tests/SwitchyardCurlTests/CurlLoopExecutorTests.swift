import Foundation
import XCTest
@testable import SwitchyardCurl

/// Tasks on a `CurlMultiClient`'s own thread (`client.executor`).
final class CurlLoopExecutorTests: XCTestCase {
    func testATaskOnTheExecutorRunsOnTheClientThreadBeforeAndAfterItAwaitsATransfer() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(body: Array("pong".utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let (before, body, after) = try await onLoop(client) {
            let before = XCTestCase.threadName()
            let response = try await client.perform(HTTPRequest(url: server.baseURL))
            return (before, String(decoding: response.body, as: UTF8.self), XCTestCase.threadName())
        }
        XCTAssertEqual(before, "curl-test")
        XCTAssertEqual(body, "pong")
        XCTAssertEqual(after, "curl-test", "resumed by the sink on the same thread")
    }

    /// Transfers started from the loop thread queue no wake-up (the thread is awake): the loop
    /// must still take them before it waits. Without that, this stalls for the test client's
    /// 120 s poll and fails.
    func testTransfersStartedFromTheLoopThreadRunWithoutAWakeUp() async throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        // First a transfer from here, so that the loop has started, used up the wake-ups so far
        // and gone to sleep: the next ones come from a task that wakes it once.
        _ = try await client.perform(HTTPRequest(url: server.baseURL))
        let targets = try await onLoop(client) {
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<40 {
                    group.addTask(executorPreference: client.executor) {
                        let response = try await client.perform(HTTPRequest(url: server.baseURL + "/\(index)"))
                        return String(decoding: response.body, as: UTF8.self)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        XCTAssertEqual(Set(targets), Set((0..<40).map { "/\($0)" }))
    }

    func testJobsFromAnotherThreadRunInTheirOrderOnTheClientThread() async throws {
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let seen = PosixMutex<[(Int, String)]>([])
        let tasks = (0..<200).map { index in
            Task(executorPreference: client.executor) { seen.withLock { $0.append((index, XCTestCase.threadName())) } }
        }
        for task in tasks { await task.value }
        let order = seen.withLock { $0 }
        XCTAssertEqual(order.map(\.0), Array(0..<200), "one queue, first in first out")
        XCTAssertEqual(Set(order.map(\.1)), ["curl-test"])
    }

    func testATaskThatKeepsYieldingDoesNotStarveTransfers() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(body: Array("done".utf8)) }
        defer { server.stop() }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let finished = PosixMutex(false)
        let spins = try await onLoop(client) {
            async let spinner: Int = {
                var spins = 0
                while !finished.withLock({ $0 }), !Task.isCancelled {
                    spins += 1
                    await Task.yield()
                }
                return spins
            }()
            let response = try await client.perform(HTTPRequest(url: server.baseURL))
            XCTAssertEqual(response.body, Array("done".utf8))
            finished.withLock { $0 = true }
            return await spinner
        }
        XCTAssertGreaterThan(spins, 0)
    }

    func testOnceTheClientIsShutDownItsJobsRunElsewhere() async throws {
        let client = CurlMultiClient.forTests()
        let first = await XCTestCase.threadName(on: client.executor)
        XCTAssertEqual(first, "curl-test")
        client.shutdown()
        let later = await XCTestCase.threadName(on: client.executor)
        XCTAssertNotEqual(later, "curl-test", "the loop's thread is gone; the task ran anyway")
    }
}
