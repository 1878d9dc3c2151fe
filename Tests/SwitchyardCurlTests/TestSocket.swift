import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct TestSocketError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
}

/// Socket set-up for the test server.
enum TestSocket {
    /// A listening TCP socket on 127.0.0.1 with a kernel-chosen port. The backlog covers a
    /// test's burst of connects: past it the kernel drops SYNs and the client retries a second
    /// later, which shows as a one-second stall.
    static func listenLoopback(backlog: Int32 = 128) throws -> (fd: Int32, port: Int) {
        let fd = try boundLoopback()
        guard listen(fd, backlog) == 0 else { throw failure("listen", closing: fd) }
        return (fd, try boundPort(fd))
    }

    /// A non-blocking connect to 127.0.0.1:`port` that waits at most `timeout` for the
    /// handshake; returns the socket either way (it may still be connecting).
    static func connectLoopback(port: Int, timeout: Duration) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError(call: "socket", code: errno) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&descriptor, 1, Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        return fd
    }

    /// A TCP port on 127.0.0.1 that refuses connections: bound (so nobody else takes it) but not
    /// listening. Close the returned descriptor when done.
    static func refusingLoopbackPort() throws -> (fd: Int32, port: Int) {
        let fd = try boundLoopback()
        return (fd, try boundPort(fd))
    }

    static func listenUnix(path: String) throws -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError(call: "socket", code: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw failure("bind", closing: fd) }
        guard listen(fd, 16) == 0 else { throw failure("listen", closing: fd) }
        return fd
    }

    private static func boundLoopback() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw failure("bind", closing: fd) }
        return fd
    }

    private static func boundPort(_ fd: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw failure("getsockname", closing: fd) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func failure(_ call: String, closing fd: Int32) -> TestSocketError {
        let error = TestSocketError(call: call, code: errno)
        close(fd)
        return error
    }
}
