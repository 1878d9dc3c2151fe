import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP listening socket the supervisor owns for the life of the process and hands to every
/// generation of one provider's worker (SPEC §1), so a worker restart refuses no connection.
public struct ListeningSocket: Sendable {
    public let fd: Int32
    /// The bound address as `host:port` (`[::1]:port` for IPv6), with the real port when 0 was asked.
    public let boundAddress: String

    public enum BindError: Error, CustomStringConvertible {
        case resolve(String)
        case system(String, String)

        public var description: String {
            switch self {
            case .resolve(let address): return "cannot resolve \(address)"
            case .system(let address, let reason): return "cannot listen on \(address): \(reason)"
            }
        }
    }

    /// Binds with SO_REUSEADDR and a backlog of 1024. After a crash the old workers may hold
    /// the port for a moment while they drain, so EADDRINUSE is retried for up to `retryFor`.
    public static func bind(host: String, port: Int, retryFor: Duration = .seconds(5)) async throws -> ListeningSocket {
        let deadline = ContinuousClock.now + retryFor
        while true {
            do {
                return try bindOnce(host: host, port: port)
            } catch let error as BindRetry {
                if ContinuousClock.now >= deadline { throw BindError.system("\(host):\(port)", error.reason) }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private struct BindRetry: Error { let reason: String }

    private static func bindOnce(host: String, port: Int) throws -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        let lookupHost = host == "localhost" ? "127.0.0.1" : host
        guard getaddrinfo(lookupHost, String(port), &hints, &result) == 0, let info = result else {
            throw BindError.resolve("\(host):\(port)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BindError.system("\(host):\(port)", String(cString: strerror(errno))) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let code = errno
            Glibc.close(fd)
            if code == EADDRINUSE { throw BindRetry(reason: String(cString: strerror(code))) }
            throw BindError.system("\(host):\(port)", String(cString: strerror(code)))
        }
        guard listen(fd, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw BindError.system("\(host):\(port)", reason)
        }
        return ListeningSocket(fd: fd, boundAddress: localAddress(fd) ?? "\(host):\(port)")
    }

    /// `getsockname` as `host:port`.
    static func localAddress(_ fd: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var hostBuffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var portBuffer = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &hostBuffer, socklen_t(hostBuffer.count), &portBuffer,
                            socklen_t(portBuffer.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard status == 0 else { return nil }
        let host = Self.text(hostBuffer)
        let port = Self.text(portBuffer)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public func close() { _ = Glibc.close(fd) }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
