/// Builds the `CURLOPT_HTTPHEADER` lines for a request. Pure: the checks that keep a caller's
/// header from smuggling a second header or request line onto the wire live here, tested
/// without libcurl.
enum CurlHeaderLines {
    /// Lines in libcurl's syntax: `"Name: value"`, `"Name;"` for an empty value (`"Name:"` would
    /// tell libcurl to drop the header instead), and the removals of libcurl's own defaults that
    /// a proxy must not add: `Expect: 100-continue` (a round trip for large bodies) and the form
    /// `Content-Type` it sets on any body.
    static func lines(for headers: [(name: String, value: String)]) throws(CurlError) -> [Line] {
        var lines: [Line] = []
        lines.reserveCapacity(headers.count + 2)
        for (name, value) in headers {
            try validate(name: name, value: value)
            lines.append(value.isEmpty ? Line(name: name, separator: ";", value: "") : Line(name: name, separator: ": ", value: value))
        }
        for removed in ["Expect", "Content-Type"] where !headers.contains(where: { HTTPHeaderName.equal($0.name, removed) }) {
            lines.append(Line(name: removed, separator: ":", value: ""))
        }
        return lines
    }

    /// One line in parts, written straight into the header list (`CurlHeaderList`) without
    /// building a string per header.
    struct Line {
        let name: String
        let separator: StaticString
        let value: String

        var utf8Count: Int { name.utf8.count + separator.utf8CodeUnitCount + value.utf8.count }
        var text: String { name + separator.description + value }
    }

    /// A method is a token (RFC 9110 §9.1); anything else would corrupt the request line.
    static func validate(method: HTTPMethod) throws(CurlError) {
        guard !method.rawValue.isEmpty, method.rawValue.utf8.allSatisfy(isTokenByte) else {
            throw invalid("method \(method.rawValue.debugDescription) is not an HTTP token")
        }
    }

    private static func validate(name: String, value: String) throws(CurlError) {
        guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
            throw invalid("header name \(name.debugDescription) is not an HTTP token")
        }
        // CR, LF and NUL would end the header early (NUL truncates the C string).
        guard !value.utf8.contains(where: { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }) else {
            throw invalid("the value of header \(name) contains CR, LF or NUL")
        }
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func invalid(_ message: String) -> CurlError {
        CurlError(code: .invalidRequest, curlCode: 0, message: message)
    }
}
