import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `client.header-timeout` against slow clients (SPEC §3), seen from a raw TCP client.
final class SlowClientTests: XCTestCase {
    private func send(_ fd: Int32, _ text: String) {
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    /// Reads until the peer closes (true) or the 10 s receive timeout passes (false).
    private func readsUntilClosed(_ fd: Int32) -> (closed: Bool, received: String) {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return (true, String(decoding: received, as: UTF8.self)) }
            if count < 0 { return (errno == ECONNRESET, String(decoding: received, as: UTF8.self)) }
            received += buffer[0..<count]
        }
    }

    func testAHeadThatNeverEndsIsCutAfterTheHeaderTimeout() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "client: {header-timeout: 1s}\n")
        try rig.addAccount("a1")
        try rig.start()
        let fd = try LoopbackClient.connection(to: try rig.daemon.worker("claude").listen)
        defer { close(fd) }
        let started = ContinuousClock.now
        send(fd, "POST /v1/messages HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n")
        let (closed, received) = readsUntilClosed(fd)
        XCTAssertTrue(closed, "the connection is closed")
        XCTAssertEqual(received, "", "no response to a request that never finished its head")
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(900))
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        rig.stop()
    }

    func testABodyThatStallsIsCut() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "client: {header-timeout: 1s}\n")
        try rig.addAccount("a1")
        try rig.start()
        let fd = try LoopbackClient.connection(to: try rig.daemon.worker("claude").listen)
        defer { close(fd) }
        send(fd, "POST /v1/messages HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"model\":")
        XCTAssertTrue(readsUntilClosed(fd).closed, "a body that stops arriving ends the connection")
        XCTAssertEqual(try rig.apiCalls("a1"), 0)
        rig.stop()
    }

    func testAnIdleKeepAliveConnectionOutlivesTheHeaderTimeout() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "client: {header-timeout: 1s}\n")
        try rig.start()
        let fd = try LoopbackClient.connection(to: try rig.daemon.worker("claude").listen)
        defer { close(fd) }
        let request = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
        var buffer = [UInt8](repeating: 0, count: 4096)
        send(fd, request)
        XCTAssertGreaterThan(read(fd, &buffer, buffer.count), 0)
        // Longer than the header timeout, shorter than client.idle-timeout (5m): between
        // requests only the idle timeout applies.
        usleep(1_500_000)
        send(fd, request)
        let count = read(fd, &buffer, buffer.count)
        XCTAssertGreaterThan(count, 0)
        XCTAssertTrue(String(decoding: buffer[0..<max(count, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        rig.stop()
    }
    /// `client.idle-timeout` closes a keep-alive connection idle that long, and is live: a
    /// reload applies it to connections opened afterwards.
    func testTheIdleTimeoutClosesIdleConnectionsAndAReloadAppliesIt() throws {
        let rig = try ProxyRig(provider: "claude")
        try rig.start()
        try rig.daemon.editConfig { $0 + "client: {idle-timeout: 1s}\n" }
        let reload = rig.daemon.cli("reload")
        XCTAssertEqual(reload.code, 0, reload.stderr)
        XCTAssertEqual(reload.stderr, "", "a live key: no restart required")
        let listen = try rig.daemon.worker("claude").listen
        // The worker has the new config once it answers with it; a connection opened after
        // that is idle-timed at 1 s. The receive timeout (10 s) bounds the wait.
        var closedAfter: TimeInterval = .infinity
        XCTAssertTrue(eventually(timeout: .seconds(20)) {
            let fd = try LoopbackClient.connection(to: listen)
            defer { close(fd) }
            self.send(fd, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            let started = Date()
            let (closed, received) = self.readsUntilClosed(fd)
            closedAfter = Date().timeIntervalSince(started)
            return closed && received.hasPrefix("HTTP/1.1 200") && closedAfter < 5
        }, "closed after \(closedAfter) s")
        rig.stop()
    }
    /// A client that stops reading a long stream: once nothing could be written for
    /// `client.idle-timeout`, the worker closes the connection and the upstream transfer ends,
    /// instead of holding the upstream connection and the account's in-flight count for ever.
    func testAClientThatStopsReadingIsCutAfterTheIdleTimeout() throws {
        let rig = try ProxyRig(provider: "claude", extraConfig: "client: {idle-timeout: 2s}\n")
        // About 40 MB of events: far more than the socket buffers on both sides hold.
        try rig.addAccount("a1", extra: ["output_words": 300_000])
        try rig.start()
        let fd = try LoopbackClient.connection(to: try rig.daemon.worker("claude").listen)
        defer { close(fd) }
        let body = DataPathTests.claudeStream
        send(fd, "POST /v1/messages HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        var buffer = [UInt8](repeating: 0, count: 4096)
        XCTAssertGreaterThan(read(fd, &buffer, buffer.count), 0, "the stream began")
        // From here on the client reads nothing.
        XCTAssertTrue(eventually(timeout: .seconds(30)) { rig.daemon.log().contains("client stopped reading") }, rig.daemon.log())
        // The request is over: a stop finds nothing to drain. (Without the bound, the relay
        // would still wait for the client, and the drain would run into its timeout.)
        XCTAssertEqual(rig.daemon.cli("stop").code, 0)
        XCTAssertFalse(rig.daemon.log().contains("drain timeout reached"), rig.daemon.log())
    }
}


