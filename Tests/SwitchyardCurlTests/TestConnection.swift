import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection of `TestHTTPServer`, used by one handler thread only.
final class TestConnection: @unchecked Sendable {
    let fd: Int32
    private let log: RequestLog
    private var buffer: [UInt8] = []

    init(fd: Int32, log: RequestLog) {
        self.fd = fd
        self.log = log
    }

    /// Reads one request (line, headers, `Content-Length` body) and records it; `nil` at end
    /// of stream.
    func readRequest() -> RecordedRequest? {
        guard let requestLine = readLine() else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name: String(line[..<colon]), value: value))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        guard let body = readExactly(length) else { return nil }
        let request = RecordedRequest(method: String(parts[0]), target: String(parts[1]), headers: headers, body: body)
        log.append(request)
        return request
    }

    /// A CRLF-terminated line without its CRLF.
    func readLine() -> String? {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    func readExactly(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer.prefix(count))
        buffer.removeFirst(count)
        return bytes
    }

    /// `false` once the peer is gone. MSG_NOSIGNAL: a closed peer must not SIGPIPE the tests.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ response: TestResponse) -> Bool { send(response.bytes) }

    /// Sends one chunk of a `Transfer-Encoding: chunked` body (an empty one ends the body).
    @discardableResult
    func sendChunk(_ text: String) -> Bool {
        send(String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n")
    }

    /// Sends raw bytes as one chunk of a `Transfer-Encoding: chunked` body.
    @discardableResult
    func sendChunk(bytes: [UInt8]) -> Bool {
        send(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8))
    }

    /// Waits until the peer closes (end of stream or reset); `false` if it had not after `timeout`.
    func waitForPeerClose(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var scratch = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) >= 0 else { return true }
            guard descriptor.revents != 0 else { continue }
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return true }
        }
        return false
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }
}
