import Foundation
import SwitchyardSupervisor

#if canImport(Glibc)
import Glibc
#endif

/// The CLI's side of `control.sock`: one request line out, one response line back.
/// Plain blocking POSIX I/O: the CLI does one exchange and exits, so no event loop is needed.
struct ControlClient {
    enum ConnectError: Error { case notRunning }

    let fd: Int32

    /// Connects, or throws `.notRunning` when no supervisor listens on `path`.
    init(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw CLIError.failure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CLIError.failure("socket: \(String(cString: strerror(errno)))") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw ConnectError.notRunning
        }
        self.fd = fd
    }

    func send(_ request: ControlRequest) throws -> ControlResponse {
        var data = try JSONEncoder().encode(request)
        guard data.count <= ControlRequest.maxLineBytes else {
            throw CLIError.failure(
                "request too large for the control socket (\(data.count / 1_048_576) MiB, at most \(ControlRequest.maxLineBytes / 1_048_576) MiB): split it")
        }
        data.append(UInt8(ascii: "\n"))
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                // MSG_NOSIGNAL: a supervisor that hangs up is an error message, not a SIGPIPE death.
                let written = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw CLIError.failure("cannot talk to the supervisor: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        var line = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !line.contains(UInt8(ascii: "\n")) {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw CLIError.failure("the supervisor closed the connection") }
            line.append(contentsOf: buffer[0..<count])
        }
        return try JSONDecoder().decode(ControlResponse.self, from: Data(line))
    }

    func close() { _ = Glibc.close(fd) }
}
