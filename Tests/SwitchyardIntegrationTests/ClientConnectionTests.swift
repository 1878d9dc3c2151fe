import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 connection handling on a worker's client port (`LoopConnection`), seen from a
/// raw TCP client: requests pipelined on one connection, `Connection: close`, and requests
/// that cannot be parsed.
final class ClientConnectionTests: XCTestCase {
    /// A started rig with one account ("a1"), and a raw connection to its worker.
    private func connectedRig(_ provider: String, extraConfig: String = "") throws -> (rig: ProxyRig, fd: Int32) {
        let rig = try ProxyRig(provider: provider, extraConfig: extraConfig)
        try rig.addAccount("a1")
        try rig.start()
        return (rig, try LoopbackClient.connection(to: try rig.daemon.worker(provider).listen))
    }

    private func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        XCTAssertEqual(write(fd, bytes, bytes.count), bytes.count)
    }

    /// Everything the worker sends until it closes; fails after the 10 s receive timeout.
    private func readUntilClosed(_ fd: Int32) throws -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return String(decoding: received, as: UTF8.self) }
            guard count > 0 else {
                throw TestFailure("read: errno \(errno) after \(String(decoding: received, as: UTF8.self))")
            }
            received += buffer[0..<count]
        }
    }

    private func occurrences(of needle: String, in text: String) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        var rest = text.startIndex..<text.endIndex
        while let range = text.range(of: needle, range: rest) {
            found.append(range)
            rest = range.upperBound..<text.endIndex
        }
        return found
    }

    func testPipelinedRequestsAreAnsweredInOrderAndConnectionCloseEndsTheConnection() throws {
        let (rig, fd) = try connectedRig("codex")
        defer { close(fd) }
        let body = #"{"model":"gpt-5-codex","input":"hi","stream":false}"#
        // Three requests in one write: a health check, a proxied request (its answer takes an
        // upstream round trip, so the third arrives while it is being answered), and a models
        // list asking to close the connection after it.
        send(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
            + "POST /v1/responses HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + "GET /v1/models HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let received = try readUntilClosed(fd)
        let heads = occurrences(of: "HTTP/1.1 200 OK", in: received)
        XCTAssertEqual(heads.count, 3, "three answers, then the close: \(received)")
        guard heads.count == 3 else { return }
        let health = received[heads[0].upperBound..<heads[1].lowerBound]
        let proxied = received[heads[1].upperBound..<heads[2].lowerBound]
        let models = received[heads[2].upperBound...]
        XCTAssertTrue(health.contains(#""status":"ok""#), String(health))
        XCTAssertTrue(proxied.contains(#""object":"response""#), String(proxied))
        XCTAssertTrue(models.contains(#""object":"list""#), String(models))
        XCTAssertEqual(try rig.apiCalls("a1"), 1)
        rig.stop()
    }

    func testTwoThousandRequestsPipelinedBehindAProxiedOneAreAllAnswered() throws {
        let (rig, fd) = try connectedRig("codex")
        defer { close(fd) }
        let count = 2_000
        let body = #"{"model":"gpt-5-codex","input":"hi","stream":false}"#
        // ~80 KB of health checks queued behind the proxied request: more than one read, so
        // reading pauses while they wait and resumes once they are served.
        send(fd, "POST /v1/responses HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + String(repeating: "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", count: count - 1)
            + "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let received = try readUntilClosed(fd)
        let heads = occurrences(of: "HTTP/1.1 200 OK", in: received)
        XCTAssertEqual(heads.count, count + 1)
        XCTAssertEqual(occurrences(of: #""status":"ok""#, in: received).count, count)
        guard heads.count > 1 else { return }
        XCTAssertTrue(received[heads[0].upperBound..<heads[1].lowerBound].contains(#""object":"response""#), "the proxied answer first")
        rig.stop()
    }

    func testAnHTTP10RequestEndsItsConnectionUnlessItAsksToKeepIt() throws {
        let (rig, fd) = try connectedRig("claude")
        defer { close(fd) }
        // Kept: HTTP/1.0 with keep-alive, answered and left open for the next request.
        send(fd, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertTrue(try readSome(fd, until: #""status":"ok""#).contains("200 OK"))
        // Then a plain HTTP/1.0 request: answered, then closed (the client reads until the close).
        send(fd, "GET /healthz HTTP/1.0\r\n\r\n")
        let received = try readUntilClosed(fd)
        XCTAssertTrue(received.contains("200 OK") && received.contains(#""status":"ok""#), received)
        rig.stop()
    }

    func testARequestThatCannotBeParsedGets400AndTheConnectionCloses() throws {
        let (rig, fd) = try connectedRig("claude")
        defer { close(fd) }
        send(fd, "NOT A REQUEST\r\n\r\n")
        let received = try readUntilClosed(fd)
        XCTAssertTrue(received.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), received)
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        rig.stop()
    }

    func testAClientThatEndsItsSideAfterAHealthCheckGetsItsAnswerAndTheClose() throws {
        let (rig, fd) = try connectedRig("claude")
        defer { close(fd) }
        send(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(shutdown(fd, Int32(SHUT_WR)), 0)
        let received = try readUntilClosed(fd)
        XCTAssertTrue(received.hasPrefix("HTTP/1.1 200 OK\r\n"), received)
        XCTAssertTrue(received.contains(#""status":"ok""#), received)
        rig.stop()
    }

    /// Reads until `marker` has arrived (or the 10 s receive timeout fails the test).
    private func readSome(_ fd: Int32, until marker: String) throws -> String {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else {
                throw TestFailure("read: \(count) errno \(errno) after \(String(decoding: received, as: UTF8.self))")
            }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    func testExpectContinueGetsTheGoAheadBeforeTheBody() throws {
        let (rig, fd) = try connectedRig("codex")
        defer { close(fd) }
        let body = #"{"model":"gpt-5-codex","input":"hi","stream":false}"#
        send(fd, "POST /v1/responses HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        // Before any of the body: the go-ahead, and nothing else.
        XCTAssertEqual(try readSome(fd, until: "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n")
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        send(fd, body)
        let answer = try readSome(fd, until: #""object":"response""#)
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer)
        XCTAssertEqual(try rig.apiCalls("a1"), 1)
        rig.stop()
    }

    func testExpectContinueRefusedByTheHeadGetsTheAnswerAndTheClose() throws {
        let (rig, fd) = try connectedRig("codex", extraConfig: "client-keys: [sk-right]\n")
        defer { close(fd) }
        send(fd, "POST /v1/responses HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sk-wrong\r\nExpect: 100-continue\r\nContent-Length: 50\r\n\r\n")
        let received = try readUntilClosed(fd)
        XCTAssertTrue(received.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), received)
        XCTAssertFalse(received.contains("100 Continue"), received)
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        rig.stop()
    }
}
