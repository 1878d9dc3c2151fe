import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A raw HTTP/1.1 POST whose body goes out with `Transfer-Encoding: chunked` (no length),
/// written whole before the answer is read, as many client libraries do: a server that hangs
/// up on a body it has not read shows here as a failed write and a reset read.
enum ChunkedUpload {
    struct Outcome {
        var bodyBytesWritten = 0
        /// errno of the write that failed, if one did.
        var writeError: Int32?
        /// Everything read before the end of input or the error.
        var received = ""
        /// errno of the read that failed (ECONNRESET: the answer may have been lost).
        var readError: Int32?

        var status: Int? { received.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } }
        var body: String {
            guard let split = received.range(of: "\r\n\r\n") else { return "" }
            return String(received[split.upperBound...])
        }
    }

    /// POSTs `body` to `hostPort` (IPv4 `host:port`) in chunks of `chunkSize`; reads for at most 10 s.
    static func post(_ hostPort: String, _ path: String, body: [UInt8], chunkSize: Int = 256 * 1024) throws -> Outcome {
        let parts = hostPort.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw TestFailure("not host:port: \(hostPort)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(String(parts[0]))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect \(hostPort): \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var outcome = Outcome()
        let head = "POST \(path) HTTP/1.1\r\nHost: \(hostPort)\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        var failed = !sendAll(fd, Array(head.utf8), &outcome)
        var offset = 0
        while !failed, offset < body.count {
            let end = min(offset + chunkSize, body.count)
            let frame = Array(String(end - offset, radix: 16).utf8) + [13, 10] + body[offset..<end] + [13, 10]
            failed = !sendAll(fd, frame, &outcome)
            if !failed { outcome.bodyBytesWritten = end }
            offset = end
        }
        if !failed { _ = sendAll(fd, Array("0\r\n\r\n".utf8), &outcome) }

        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { break }
            if count < 0 {
                outcome.readError = errno
                break
            }
            received += buffer[0..<count]
        }
        outcome.received = String(decoding: received, as: UTF8.self)
        return outcome
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8], _ outcome: inout Outcome) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                outcome.writeError = errno
                return false
            }
            sent += count
        }
        return true
    }
}
