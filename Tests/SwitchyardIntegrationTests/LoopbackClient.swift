import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A one-request HTTP/1.1 client that picks its source address: on Linux every 127.x.y.z is
/// the loopback interface, so a test can be several clients as the management API's
/// per-address throttle (SPEC §9) sees them.
enum LoopbackClient {
    /// `GET path` to `hostPort` (an IPv4 `host:port`) from `source`, with `Connection: close`;
    /// gives up after 10 s.
    static func get(_ hostPort: String, _ path: String, headers: [(name: String, value: String)] = [],
                    from source: String) throws -> (status: Int, body: String) {
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw TestFailure("not host:port: \(hostPort)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var local = address(source, port: 0)
        guard withSockaddr(&local, { bind(fd, $0, $1) }) == 0 else { throw TestFailure("bind \(source): \(errno)") }
        var remote = address(String(parts[0]), port: port)
        guard withSockaddr(&remote, { connect(fd, $0, $1) }) == 0 else { throw TestFailure("connect \(hostPort): \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let head = (["GET \(path) HTTP/1.1", "Host: \(hostPort)", "Connection: close"] + headers.map { "\($0.name): \($0.value)" })
            .joined(separator: "\r\n") + "\r\n\r\n"
        let bytes = Array(head.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw TestFailure("write: \(errno)") }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { break }
            guard count > 0 else { throw TestFailure("read: \(errno) after \(received.count) bytes") }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap({ Int($0) }),
              let split = text.range(of: "\r\n\r\n")
        else { throw TestFailure("not an HTTP response: \(text)") }
        return (status, String(text[split.upperBound...]))
    }

    /// A plain TCP connection to `hostPort` (an IPv4 `host:port`) whose reads give up after 10 s.
    static func connection(to hostPort: String) throws -> Int32 {
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw TestFailure("not host:port: \(hostPort)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var remote = address(String(parts[0]), port: port)
        guard withSockaddr(&remote, { connect(fd, $0, $1) }) == 0 else {
            close(fd)
            throw TestFailure("connect \(hostPort): \(errno)")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func address(_ host: String, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }

    static func withSockaddr(_ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
