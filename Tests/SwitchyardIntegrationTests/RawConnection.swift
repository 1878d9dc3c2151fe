import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A client on a plain socket that sends one POST and then leaves, as a caller that gives up
/// does: it closes its socket, or ends its side and reads what the worker still sends.
final class RawConnection {
    private var fd: Int32

    /// Connects to `hostPort` (an IPv4 `host:port`) and sends the whole request.
    init(_ hostPort: String, post path: String, body: String) throws {
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw TestFailure("not host:port: \(hostPort)") }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var remote = LoopbackClient.address(String(parts[0]), port: port)
        guard LoopbackClient.withSockaddr(&remote, { connect(fd, $0, $1) }) == 0 else {
            close(fd)
            throw TestFailure("connect \(hostPort): \(errno)")
        }
        let payload = Array(body.utf8)
        let head = "POST \(path) HTTP/1.1\r\nHost: \(hostPort)\r\ncontent-type: application/json\r\ncontent-length: \(payload.count)\r\n\r\n"
        let request = Array(head.utf8) + payload
        guard write(fd, request, request.count) == request.count else { throw TestFailure("write: \(errno)") }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Closes the socket, unread answer and all.
    func hangUp() {
        close(fd)
        fd = -1
    }

    /// Ends the client's side (`shutdown(SHUT_WR)`) and returns every byte the worker sends
    /// until it closes the connection; throws if it has not closed within `timeout`.
    func endAndRead(timeout: Int = 10) throws -> [UInt8] {
        guard shutdown(fd, Int32(SHUT_WR)) == 0 else { throw TestFailure("shutdown: \(errno)") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return received }
            guard count > 0 else {
                throw TestFailure("read: errno \(errno) after \(received.count) bytes: \(String(decoding: received, as: UTF8.self))")
            }
            received += buffer[0..<count]
        }
    }
}
