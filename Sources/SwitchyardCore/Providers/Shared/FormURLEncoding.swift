/// `application/x-www-form-urlencoded` bodies (and query strings) with strict percent
/// encoding: every byte of the UTF-8 form outside RFC 3986's unreserved set
/// (`A–Z a–z 0–9 - . _ ~`) becomes `%XX` with uppercase hex, a space included (`%20`, never
/// `+`, which a decoder could read either way). Refresh tokens contain `/`, `+` and `=`
/// (Google's start with `1//`), so anything lighter corrupts them.
public enum FormURLEncoding {
    /// `name=value` pairs joined by `&`, in the given order.
    public static func encode(_ pairs: [(String, String)]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(pairs.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 } * 2)
        for (index, (name, value)) in pairs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            appendEscaped(name, to: &out)
            out.append(UInt8(ascii: "="))
            appendEscaped(value, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One component, percent-encoded as described above.
    public static func escape(_ component: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(component.utf8.count * 3)
        appendEscaped(component, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
