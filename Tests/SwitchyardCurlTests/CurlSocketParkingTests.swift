import Foundation
import XCTest
@testable import SwitchyardCurl

/// Kept-alive connections stay in the loop's epoll between transfers (`CurlSockets`): what
/// that saves, and what must still work when a parked connection dies or its number returns.
final class CurlSocketParkingTests: XCTestCase {
    private static func client(maxCachedConnections: Int = 1024) -> CurlMultiClient {
        CurlMultiClient(settings: CurlMultiSettings(
            name: "curl-test", maxConnectionsPerHost: 0, multiplexing: true,
            maxCachedConnections: maxCachedConnections, longestPoll: 120_000
        ))
    }

    /// On the loop thread: the parked descriptors and the poller's system calls so far.
    private static func loopState() throws -> (parked: [Int32], controls: Int, waits: Int) {
        let loop = try XCTUnwrap(CurlMultiLoop.current)
        return (loop.sockets.parkedDescriptors, loop.pollerCalls.controls, loop.pollerCalls.waits)
    }

    /// Fills every free descriptor number below `fd` with a placeholder, so that the next
    /// socket opened gets `fd` (other threads of the test process open and close descriptors
    /// too); the placeholders are for `release`. `nil` if `fd` is not free.
    private static func makeLowestFree(_ fd: Int32) -> [Int32]? {
        var placeholders: [Int32] = []
        while true {
            let next = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard next >= 0, next <= fd else {
                if next >= 0 { close(next) }
                release(placeholders)
                return nil
            }
            if next == fd {
                close(next)
                return placeholders
            }
            placeholders.append(next)
        }
    }

    private static func release(_ placeholders: [Int32]) {
        placeholders.forEach { close($0) }
    }

    private static func text(_ response: HTTPResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    /// Before parking, every request on a kept-alive connection cost an `EPOLL_CTL_ADD` and an
    /// `EPOLL_CTL_DEL`.
    func testRequestsOnAKeptAliveConnectionCostNoEpollControl() async throws {
        let server = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = Self.client()
        defer { client.shutdown() }
        let (bodies, before, after) = try await onLoop(client) {
            var bodies = [Self.text(try await client.perform(HTTPRequest(url: server.baseURL + "/0")))]
            let before = try Self.loopState()
            for index in 1...10 {
                bodies.append(Self.text(try await client.perform(HTTPRequest(url: server.baseURL + "/\(index)"))))
            }
            return (bodies, before, try Self.loopState())
        }
        XCTAssertEqual(bodies, (0...10).map { "/\($0)" })
        XCTAssertEqual(server.connectionsAccepted, 1)
        XCTAssertEqual(before.parked.count, 1, "the connection is parked between transfers")
        XCTAssertEqual(after.parked, before.parked)
        XCTAssertEqual(after.controls - before.controls, 0, "ten requests, no epoll_ctl")
    }

    /// The server closes a connection that is parked: the socket turns readable for good. The
    /// loop must unwatch it rather than wake up for it on every turn (or hand it to libcurl),
    /// and the next request must open a new connection and work.
    func testAParkedConnectionTheServerClosesNeitherSpinsTheLoopNorBreaksTheNextRequest() async throws {
        let server = try TestHTTPServer { connection in
            guard let request = connection.readRequest() else { return }
            // Keep-alive as far as the client knows; closed once the client has parked it.
            _ = connection.send(TestResponse(body: Array(request.target.utf8)))
            usleep(100_000)
        }
        defer { server.stop() }
        let client = Self.client()
        defer { client.shutdown() }
        let (first, parked, afterClose, waits, second) = try await onLoop(client) {
            let first = Self.text(try await client.perform(HTTPRequest(url: server.baseURL + "/first")))
            let parked = try Self.loopState().parked
            try await Task.sleep(for: .milliseconds(400))  // the server closes meanwhile
            let start = try Self.loopState()
            try await Task.sleep(for: .milliseconds(300))
            let end = try Self.loopState()
            let second = Self.text(try await client.perform(HTTPRequest(url: server.baseURL + "/second")))
            return (first, parked, start.parked, end.waits - start.waits, second)
        }
        XCTAssertEqual(first, "/first")
        XCTAssertEqual(parked.count, 1)
        XCTAssertEqual(afterClose, [], "unwatched once it turned readable")
        XCTAssertLessThan(waits, 20, "an idle loop waits a few times in 300 ms, a spinning one ten thousands")
        XCTAssertEqual(second, "/second")
        XCTAssertEqual(server.connectionsAccepted, 2)
    }

    /// libcurl closes an idle parked connection (here: the cache holds one connection, and the
    /// second, returned to it, evicts the one idle longer) without saying REMOVE; the next connection gets the same number
    /// and, over a Unix socket that connects at once, asks first for reading, which a stale
    /// "parked for reading" would skip: its answer would never be seen and this would hang.
    func testANumberLibcurlClosedWhileParkedWorksForTheNextConnection() async throws {
        let base = "/tmp/sy-parking-\(getpid())"
        let servers = try ["a", "b"].map { name in
            try TestHTTPServer(unixSocketPath: "\(base)-\(name).sock") { connection in
                while let request = connection.readRequest() {
                    // Late enough that libcurl waits for the answer (watches the socket).
                    usleep(2_000)
                    guard connection.send(TestResponse(body: Array((name + request.target).utf8))) else { return }
                }
            }
        }
        defer { servers.forEach { $0.stop() } }
        let client = Self.client(maxCachedConnections: 1)
        defer { client.shutdown() }
        let request: @Sendable (String, String) -> HTTPRequest = { name, path in
            HTTPRequest(url: "http://worker.local" + path, unixSocketPath: "\(base)-\(name).sock")
        }
        let (bodies, parked) = try await onLoop(client) {
            var bodies: [String] = []
            var parked: [[Int32]] = []
            for (name, path) in [("a", "/1"), ("b", "/2"), ("a", "/3"), ("a", "/4")] {
                // The third connection gets the first one's number, closed by now.
                let placeholders = path == "/3" ? Self.makeLowestFree(try XCTUnwrap(parked.first?.first)) : []
                defer { placeholders.map(Self.release) }
                bodies.append(Self.text(try await client.perform(request(name, path))))
                parked.append(try Self.loopState().parked)
            }
            return (bodies, parked)
        }
        XCTAssertEqual(bodies, ["a/1", "b/2", "a/3", "a/4"])
        XCTAssertEqual(parked[0].count, 1, "the first connection was parked")
        XCTAssertEqual(parked[1].count, 1)
        XCTAssertNotEqual(parked[1], parked[0], "and closed for the second: \(parked)")
        XCTAssertEqual(parked[2], parked[0], "the third connection got the first one's number: \(parked)")
        XCTAssertEqual(parked[3], parked[2], "and carried the fourth request")
        XCTAssertEqual(servers.map(\.connectionsAccepted), [2, 1])
    }

    /// A guest (a client connection of the worker) gets the number of a parked socket libcurl
    /// closed: it hears its own readiness, and libcurl's next connection still works.
    func testAGuestGetsTheNumberOfAParkedSocketLibcurlClosed() async throws {
        let servers = try (0..<2).map { _ in
            try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        }
        defer { servers.forEach { $0.stop() } }
        let client = Self.client(maxCachedConnections: 1)
        defer { client.shutdown() }
        final class Reader: CurlLoopHandler {
            var done: CheckedContinuation<String, Never>?
            func ready(_ fd: Int32, events: CurlLoopEvents) {
                var buffer = [UInt8](repeating: 0, count: 64)
                let count = read(fd, &buffer, buffer.count)
                CurlLoop.current?.unwatch(fd)
                done?.resume(returning: count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : "")
                done = nil
            }
        }
        let (closedNumber, guestNumber, heard, last) = try await onLoop(client) {
            _ = try await client.perform(HTTPRequest(url: servers[0].baseURL + "/1"))
            let closedNumber = try XCTUnwrap(try Self.loopState().parked.first)
            // libcurl evicts the connection idle longest, in whole milliseconds.
            try await Task.sleep(for: .milliseconds(5))
            _ = try await client.perform(HTTPRequest(url: servers[1].baseURL + "/2"))  // evicts the first
            let placeholders = Self.makeLowestFree(closedNumber)
            var pair: [Int32] = [0, 0]
            let paired = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair)
            placeholders.map(Self.release)
            guard paired == 0 else { throw POSIXError(.EMFILE) }
            let guest = pair[0]
            defer { close(guest); close(pair[1]) }
            let reader = Reader()
            let heard = await withCheckedContinuation { continuation in
                reader.done = continuation
                CurlLoop.current?.watch(guest, reading: true, writing: false, handler: reader)
                _ = write(pair[1], "ping", 4)
            }
            let last = Self.text(try await client.perform(HTTPRequest(url: servers[0].baseURL + "/3")))
            return (closedNumber, guest, heard, last)
        }
        XCTAssertEqual(guestNumber, closedNumber, "the guest took the closed socket's number")
        XCTAssertEqual(heard, "ping")
        XCTAssertEqual(last, "/3")
        XCTAssertEqual(servers.map(\.connectionsAccepted), [2, 1])
    }
}
