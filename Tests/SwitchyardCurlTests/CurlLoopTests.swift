import Foundation
import XCTest
@testable import SwitchyardCurl

/// Descriptors and end-of-turn work of `CurlLoop` users, on a client's loop next to libcurl.
final class CurlLoopTests: XCTestCase {
    /// A connected pair of non-blocking Unix stream sockets.
    private func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw POSIXError(.EMFILE) }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        return (fds[0], fds[1])
    }

    private static func send(_ text: String, to fd: Int32) {
        DispatchQueue.global().async { _ = text.withCString { write(fd, $0, strlen($0)) } }
    }

    /// Reads what is there when told the descriptor is ready, and hands it on.
    private final class Reader: CurlLoopHandler {
        let onRead: (Reader, String) -> Void
        private(set) var calls = 0
        init(onRead: @escaping (Reader, String) -> Void) { self.onRead = onRead }

        func ready(_ fd: Int32, events: CurlLoopEvents) {
            calls += 1
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &buffer, buffer.count)
            if count > 0 { onRead(self, String(decoding: buffer[..<count], as: UTF8.self) + "@" + XCTestCase.threadName()) }
        }
    }

    func testThereIsNoLoopOffItsThread() {
        XCTAssertNil(CurlLoop.current)
    }

    func testAWatchedDescriptorIsHandledOnTheLoopThreadAndCanChangeHands() async throws {
        let (ours, theirs) = try socketPair()
        defer { close(ours); close(theirs) }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let (first, second, firstCalls) = try await onLoop(client) {
            let loop = try XCTUnwrap(CurlLoop.current)
            let second = Reader { _, _ in }
            let first = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                loop.watch(ours, reading: true, writing: false, handler: Reader { reader, text in
                    // From its own handler: the next readiness goes to another.
                    loop.watch(ours, reading: true, writing: false, handler: second)
                    continuation.resume(returning: text)
                })
                Self.send("ping", to: theirs)
            }
            let firstReader = first
            let text = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                loop.watch(ours, reading: true, writing: false, handler: Reader { _, text in
                    loop.unwatch(ours)
                    continuation.resume(returning: text)
                })
                Self.send("pong", to: theirs)
            }
            return (firstReader, text, second.calls)
        }
        XCTAssertEqual(first, "ping@curl-test")
        XCTAssertEqual(second, "pong@curl-test", "the latest handler of the descriptor hears it")
        XCTAssertEqual(firstCalls, 0, "a handler replaced before the next readiness never hears it")
    }

    /// End-of-turn work asked for during the end of a turn runs in the next turn, which does not
    /// wait for readiness first (else this stalls for the test client's 120 s poll and fails).
    func testEndOfTurnWorkRunsOncePerRequestAndKeepsTheLoopAwake() async throws {
        final class Twice: CurlLoopHandler {
            var calls = 0
            var done: CheckedContinuation<Int, Never>?
            func ready(_ fd: Int32, events: CurlLoopEvents) {}
            func endOfTurn() {
                calls += 1
                if calls == 1 { CurlLoop.current?.runAtEndOfTurn(self) } else { done?.resume(returning: calls) }
            }
        }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        _ = await XCTestCase.threadName(on: client.executor)  // the loop is up and asleep
        let (calls, laterCalls) = try await onLoop(client) {
            let handler = Twice()
            let calls = await withCheckedContinuation { continuation in
                handler.done = continuation
                CurlLoop.current?.runAtEndOfTurn(handler)
            }
            _ = await XCTestCase.threadName(on: client.executor)  // a few more turns
            return (calls, handler.calls)
        }
        XCTAssertEqual(calls, 2)
        XCTAssertEqual(laterCalls, 2, "once per request, not every turn")
    }

    /// Readiness on a descriptor of ours next to libcurl's sockets: both run on one loop.
    func testOwnDescriptorsAndTransfersShareTheLoop() async throws {
        let server = try TestHTTPServer.canned { _ in TestResponse(body: Array("upstream".utf8)) }
        defer { server.stop() }
        let (ours, theirs) = try socketPair()
        defer { close(ours); close(theirs) }
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let answer = try await onLoop(client) {
            let loop = try XCTUnwrap(CurlLoop.current)
            let request = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
                loop.watch(ours, reading: true, writing: false, handler: Reader { _, text in
                    loop.unwatch(ours)
                    continuation.resume(returning: text)
                })
                Self.send("request", to: theirs)
            }
            let response = try await client.perform(HTTPRequest(url: server.baseURL))
            return request + " → " + String(decoding: response.body, as: UTF8.self) + "@" + XCTestCase.threadName()
        }
        XCTAssertEqual(answer, "request@curl-test → upstream@curl-test")
    }

    /// The ticker runs on the loop thread, never early, and the loop wakes for it: the test
    /// client's loop otherwise sleeps up to 120 s, so a ticker that did not shorten the wait
    /// would stall the test past `onLoop`'s 30 s guard.
    func testTheTickerRunsOnTheLoopThreadEveryIntervalAndTheLoopWakesForIt() async throws {
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let (gaps, threads) = try await onLoop(client) {
            let loop = try XCTUnwrap(CurlLoop.current)
            var times: [ContinuousClock.Instant] = [.now]
            var threads: Set<String> = []
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.tick(every: .milliseconds(10)) {
                    times.append(.now)
                    threads.insert(Self.threadName())
                    if times.count == 4 {
                        loop.stopTicking()
                        continuation.resume()
                    }
                }
            }
            return (zip(times.dropFirst(), times).map { $0 - $1 }, threads)
        }
        XCTAssertEqual(threads, ["curl-test"])
        XCTAssertEqual(gaps.count, 3)
        for gap in gaps { XCTAssertGreaterThanOrEqual(gap, .milliseconds(10), "a tick came early") }
    }

    /// A stopped ticker runs no more, and a new ticker replaces the one before.
    func testAStoppedOrReplacedTickerRunsNoMore() async throws {
        let client = CurlMultiClient.forTests()
        defer { client.shutdown() }
        let (stoppedRuns, replacedRuns) = try await onLoop(client) {
            let loop = try XCTUnwrap(CurlLoop.current)
            var stoppedRuns = 0
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.tick(every: .milliseconds(5)) {
                    stoppedRuns += 1
                    loop.stopTicking()
                    continuation.resume()
                }
            }
            var replacedRuns = 0
            var replacingRuns = 0
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.tick(every: .milliseconds(5)) { replacedRuns += 1 }
                loop.tick(every: .milliseconds(5)) {
                    replacingRuns += 1
                    if replacingRuns == 5 {
                        loop.stopTicking()
                        continuation.resume()
                    }
                }
            }
            return (stoppedRuns, replacedRuns)
        }
        XCTAssertEqual(stoppedRuns, 1)
        XCTAssertEqual(replacedRuns, 0)
    }
}
