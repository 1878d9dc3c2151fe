import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server for tests: plain POSIX sockets, listening on 127.0.0.1 port 0 (or a
/// Unix socket), one thread per connection running the test's `handler`. It sends only what the
/// handler writes, so a test can shape every byte, stall, or wait for the client to leave.
final class TestHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (TestConnection) -> Void

    /// The bound TCP port (0 for a Unix socket).
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listenFD: Int32
    private let handler: Handler
    private let log = RequestLog()
    private let lock = NSLock()
    private var openConnections: Set<Int32> = []
    private var acceptedCount = 0
    private let acceptLoopDone = DispatchSemaphore(value: 0)
    private let unixSocketPath: String?

    /// Every request any connection read, in order.
    var requests: [RecordedRequest] { log.all }
    var connectionsAccepted: Int { lock.withLock { acceptedCount } }

    init(unixSocketPath: String? = nil, handler: @escaping Handler) throws {
        self.handler = handler
        self.unixSocketPath = unixSocketPath
        if let unixSocketPath {
            listenFD = try TestSocket.listenUnix(path: unixSocketPath)
            port = 0
        } else {
            (listenFD, port) = try TestSocket.listenLoopback()
        }
        Thread { [self] in acceptLoop() }.start()
    }

    /// Serves every request on every connection with `respond` (keep-alive honoured).
    static func canned(_ respond: @escaping @Sendable (RecordedRequest) -> TestResponse) throws -> TestHTTPServer {
        try TestHTTPServer { connection in
            while let request = connection.readRequest() {
                guard connection.send(respond(request)) else { return }
            }
        }
    }

    /// Stops accepting and cuts every open connection; returns once the accept loop ended.
    func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        acceptLoopDone.wait()
        lock.withLock { openConnections.forEach { shutdown($0, Int32(SHUT_RDWR)) } }
        close(listenFD)
        if let unixSocketPath { unlink(unixSocketPath) }
    }

    private func acceptLoop() {
        defer { acceptLoopDone.signal() }
        while true {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else {
                if errno == EINTR { continue }
                return
            }
            lock.withLock {
                openConnections.insert(fd)
                acceptedCount += 1
            }
            let connection = TestConnection(fd: fd, log: log)
            Thread { [self] in
                handler(connection)
                lock.withLock { _ = openConnections.remove(fd) }
                close(fd)
            }.start()
        }
    }
}

/// A canned response, sent with `Content-Length`.
struct TestResponse: Sendable {
    var status = 200
    var reason = "OK"
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    var bytes: [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
}

/// What the server read: the request line, headers and a `Content-Length` body.
struct RecordedRequest: Sendable {
    var method: String
    var target: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [RecordedRequest] = []

    func append(_ request: RecordedRequest) { lock.withLock { requests.append(request) } }
    var all: [RecordedRequest] { lock.withLock { requests } }
}

extension TestHTTPServer {
    /// Answers `/after` with "still works"; any other path gets a chunked 200 with one chunk,
    /// "first", and then nothing: the connection stays open until the client closes it, when
    /// `onClientLeft` runs (if that happens within `patience`). How the cancel and abort tests
    /// see a client going away.
    static func stallingAfterFirstChunk(
        patience: Duration, onClientLeft: @escaping @Sendable () -> Void
    ) throws -> TestHTTPServer {
        try TestHTTPServer { connection in
            guard let request = connection.readRequest() else { return }
            if request.target == "/after" {
                connection.send(TestResponse(body: Array("still works".utf8)))
                return
            }
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            connection.sendChunk("first")
            if connection.waitForPeerClose(timeout: patience) { onClientLeft() }
        }
    }
}
