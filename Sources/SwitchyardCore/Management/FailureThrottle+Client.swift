extension FailureThrottle {
    /// The name a peer address is throttled under, from its raw bytes (4 for IPv4, 16 for IPv6;
    /// `nil` for anything else). An IPv6 host usually holds a whole /64 and can pick any address
    /// in it for each attempt, so IPv6 peers are throttled by their /64; an IPv4-mapped IPv6
    /// address (a dual-stack listener) counts as the IPv4 address it carries.
    public static func client(addressBytes bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16 where bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff:
            return client(addressBytes: Array(bytes[12...]))
        case 16:
            let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return groups.joined(separator: ":") + "::/64"
        default:
            return nil
        }
    }
}
