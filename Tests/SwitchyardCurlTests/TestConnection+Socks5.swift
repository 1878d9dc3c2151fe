/// The server side of a SOCKS5 handshake (RFC 1928, no authentication), so that a test
/// connection can play a SOCKS5 proxy and then answer the tunnelled HTTP itself.
extension TestConnection {
    struct Socks5Target: Equatable {
        /// 1: IPv4 (the client resolved the name), 3: domain name (the proxy resolves it).
        var addressType: UInt8
        var host: String
        var port: Int
    }

    /// Answers the greeting and the CONNECT request with success; `nil` if the client spoke
    /// something else.
    func acceptSocks5() -> Socks5Target? {
        guard let greeting = readExactly(2), greeting[0] == 5,
              let methods = readExactly(Int(greeting[1])), methods.contains(0) else { return nil }
        send([5, 0])
        guard let request = readExactly(4), request[0] == 5, request[1] == 1 else { return nil }
        let host: String
        switch request[3] {
        case 1:
            guard let address = readExactly(4) else { return nil }
            host = address.map(String.init).joined(separator: ".")
        case 3:
            guard let length = readExactly(1), let name = readExactly(Int(length[0])) else { return nil }
            host = String(decoding: name, as: UTF8.self)
        default:
            return nil
        }
        guard let portBytes = readExactly(2) else { return nil }
        send([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        return Socks5Target(addressType: request[3], host: host, port: Int(portBytes[0]) << 8 | Int(portBytes[1]))
    }
}
