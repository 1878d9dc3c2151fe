/// A listening address as the config file writes it: `127.0.0.1:8401`, `[::1]:8401`,
/// `localhost:0`, `0.0.0.0:8400`. Port 0 asks the kernel for a free port (tests use it).
///
/// The host is kept as written (brackets removed); it is not resolved, so "is loopback" is decided
/// from the text alone: `localhost`, `127.0.0.0/8` and `::1`.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// A host name, an IPv4 address, or an IPv6 address without brackets.
    public var host: String
    /// 0...65535.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; an IPv6 host must be in brackets. Nil when malformed.
    public static func parse(_ text: String) -> HostPort? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = Substring(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5,
              portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let port = Int(portText), port <= 65535
        else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = host.dropFirst().dropLast()
            guard host.contains(":"), host.allSatisfy(isIPv6Character) else { return nil }
        } else {
            guard !host.isEmpty, host.allSatisfy(isNameCharacter) else { return nil }
        }
        return HostPort(host: String(host), port: port)
    }

    /// Whether only this machine can reach the address. Names other than `localhost` count as
    /// reachable from outside, since what they resolve to can change.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
              octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil })
        else { return false }
        return octets[0] == "127"
    }

    /// `host:port`, with brackets around an IPv6 host, so `parse(description)` gives it back.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-"
            || character == "_")
    }

    private static func isIPv6Character(_ character: Character) -> Bool {
        character.isASCII && (character.isHexDigit || character == ":" || character == "." || character == "%"
            || character.isLetter || character.isNumber)
    }
}
