import Foundation

/// What an error says was expected, so messages read alike across keys.
enum ConfigExpectation {
    static let duration = "a duration like 250ms, 1.5s or 1h30m"
    static let positiveDuration = "a duration above zero like 250ms, 1.5s or 1h30m"
    static let size = "a size above zero like 32MiB, 512KiB or 1048576"
    static let percentage = "a percentage like 50% or 0.5"
    static let hostPort = "host:port"
    static let countAtLeastOne = "a whole number of at least 1"
    static let bool = "true or false"
    static let path = "a path"
    static let url = "an http:// or https:// URL"

    static func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> String where E.RawValue == String {
        "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// Small value readers shared by the parser's getters.
enum ConfigValueParser {
    static func positiveDuration(_ text: String) -> Duration? {
        ConfigDuration.parse(text).flatMap { $0 > .zero ? $0 : nil }
    }

    static func countAtLeastOne(_ text: String) -> Int? {
        Int(text).flatMap { $0 >= 1 ? $0 : nil }
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }
}

extension ConfigValueParser {
    /// An absolute `http`/`https` URL with a host, returned as written.
    static func url(_ text: String) -> String? {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { return nil }
        return text
    }

    static func withoutTrailingSlashes(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }

    /// An HTTP field name (RFC 9110 token).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// No control characters but tab: a line break would let a config value inject headers.
    static func isHeaderValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }
}
