/// JSON text for a `JSONValue`, byte for byte what Foundation's `JSONEncoder` writes with
/// `.withoutEscapingSlashes` (and `.sortedKeys`, `.prettyPrinted` when asked): two-space
/// indents, `" : "` between key and value, `"{\n\n}"` for an empty container, `\b \f \n \r \t`
/// and `\u00xx` escapes for the other control characters, nothing else escaped, doubles in
/// their shortest form without a trailing `.0`. Sorted keys use `String`'s `<`, as Foundation
/// does.
///
/// Hand-written because `JSONEncoder` goes through `Codable`'s generic containers: writing
/// account files with it was 7% of the supervisor's CPU in the refresh benchmark, and every
/// refresh result rewrites one. `JSONValueWriterTests` checks it against `JSONEncoder` on
/// random values.
enum JSONValueWriter {
    static func write(_ value: JSONValue, pretty: Bool, sortedKeys: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(value, pretty: pretty, sortedKeys: sortedKeys, depth: 0, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, pretty: Bool, sortedKeys: Bool, depth: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number): writeDouble(number, into: &out)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            writeContainer(open: "[", close: "]", count: elements.count, pretty: pretty, depth: depth, into: &out) { index, out in
                write(elements[index], pretty: pretty, sortedKeys: sortedKeys, depth: depth + 1, into: &out)
            }
        case .object(let members):
            let keys = sortedKeys ? members.keys.sorted() : Array(members.keys)
            writeContainer(open: "{", close: "}", count: keys.count, pretty: pretty, depth: depth, into: &out) { index, out in
                writeString(keys[index], into: &out)
                out.append(contentsOf: (pretty ? " : " : ":").utf8)
                write(members[keys[index]]!, pretty: pretty, sortedKeys: sortedKeys, depth: depth + 1, into: &out)
            }
        }
    }

    private static func writeContainer(
        open: Unicode.Scalar, close: Unicode.Scalar, count: Int, pretty: Bool, depth: Int, into out: inout [UInt8],
        element: (Int, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: open))
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { newline(indent: depth + 1, into: &out) }
            element(index, &out)
        }
        if pretty {
            // An empty container is written with an empty line inside: "{\n\n}".
            if count == 0 { out.append(UInt8(ascii: "\n")) }
            newline(indent: depth, into: &out)
        }
        out.append(UInt8(ascii: close))
    }

    private static func newline(indent depth: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    /// Non-finite numbers have no JSON form: `null`, as `JSONValue.encode(to:)` writes them.
    private static func writeDouble(_ number: Double, into out: inout [UInt8]) {
        guard number.isFinite else { return out.append(contentsOf: "null".utf8) }
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
