/// Header-name comparison shared by the response types. ASCII-only folding on purpose: header
/// names are tokens, and Unicode case folding (`lowercased()`) would both allocate and accept
/// names that are not equal on the wire.
enum HTTPHeaderName {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case let (l?, r?) where fold(l) == fold(r):
                continue
            default:
                return false
            }
        }
    }

    static func firstValue(of name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { equal($0.name, name) }?.value
    }

    static func allValues(of name: String, in headers: [(name: String, value: String)]) -> [String] {
        headers.filter { equal($0.name, name) }.map(\.value)
    }

    private static func fold(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
