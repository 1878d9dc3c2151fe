/// Reads a complete head (request line to blank line, CRLF CRLF included) into an
/// `HTTP1RequestHead`: the request line, the field lines, and what the fields say about
/// framing, keep-alive and expectations.
struct HTTP1HeadReader {
    let bytes: [UInt8]
    let limits: HTTP1RequestParser.Limits

    func read() throws(HTTP1ParseError) -> HTTP1RequestHead {
        let lines = try self.lines()
        let (method, target, version) = try requestLine(bytes[lines[0]])
        guard lines.count - 1 <= limits.maxFields else { throw .headTooLarge }
        var fields: [HTTP1RequestHead.Field] = []
        fields.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            let (name, value) = try HTTP1RequestParser.fieldLine(bytes[line])
            fields.append(.init(name: name, value: value))
        }
        let framing = try body(fields, version: version)
        let connection = tokens(of: "connection", in: fields)
        let keepAlive = switch version {
        case .http11: !connection.contains { HTTP1Bytes.equalsIgnoringCase($0, "close") }
        case .http10: connection.contains { HTTP1Bytes.equalsIgnoringCase($0, "keep-alive") }
        }
        return HTTP1RequestHead(
            bytes: bytes, methodRange: method, pathRange: try path(of: target, method: method), fields: fields,
            version: version, body: framing, keepAlive: keepAlive, expectsContinue: try expectsContinue(fields))
    }

    /// Each line's range without its CRLF, the blank last line excluded. A CR or LF that is
    /// not part of a CRLF is refused: parsers that take a bare LF as a line end and those that
    /// do not see different heads in the same bytes.
    private func lines() throws(HTTP1ParseError) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(16)  // a usual head's lines, without growing the array
        var start = 0
        var index = 0
        let end = bytes.count - 2
        while index < end {
            switch bytes[index] {
            case HTTP1Bytes.cr:
                guard bytes[index + 1] == HTTP1Bytes.lf else { throw .malformed("bare CR") }
                lines.append(start..<index)
                index += 2
                start = index
            case HTTP1Bytes.lf:
                throw .malformed("bare LF")
            default:
                index += 1
            }
        }
        return lines
    }

    /// method SP request-target SP HTTP-version, each part checked.
    private func requestLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (Range<Int>, Range<Int>, HTTP1RequestHead.Version) {
        guard let firstSpace = line.firstIndex(of: HTTP1Bytes.space),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: HTTP1Bytes.space)
        else { throw .malformed("request line") }
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(HTTP1Bytes.isToken) else { throw .malformed("method") }
        guard !target.isEmpty, target.allSatisfy(HTTP1Bytes.isTargetByte) else { throw .malformed("request target") }
        return (method.startIndex..<method.endIndex, target.startIndex..<target.endIndex, try self.version(version))
    }

    private func version(_ text: ArraySlice<UInt8>) throws(HTTP1ParseError) -> HTTP1RequestHead.Version {
        if text.elementsEqual("HTTP/1.1".utf8) { return .http11 }
        if text.elementsEqual("HTTP/1.0".utf8) { return .http10 }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let start = text.startIndex
        if text.count == 8, text.starts(with: "HTTP/".utf8), isDigit(text[start + 5]), text[start + 6] == UInt8(ascii: "."),
           isDigit(text[start + 7]) {
            throw .unsupportedVersion
        }
        throw .malformed("HTTP version")
    }

    /// The target as path and query. An absolute-form target (RFC 9112 §3.2.2, which servers
    /// must accept) loses its scheme and authority; `*` stays as it is (only OPTIONS uses it,
    /// and the router answers it 404).
    private func path(of target: Range<Int>, method: Range<Int>) throws(HTTP1ParseError) -> Range<Int> {
        let text = bytes[target]
        if text.first == UInt8(ascii: "/") || (text.count == 1 && text.first == UInt8(ascii: "*")) { return target }
        for scheme: StaticString in ["http://", "https://"] where text.count > scheme.utf8CodeUnitCount
            && HTTP1Bytes.equalsIgnoringCase(text.prefix(scheme.utf8CodeUnitCount), scheme) {
            let authority = text.dropFirst(scheme.utf8CodeUnitCount)
            guard let slash = authority.firstIndex(of: UInt8(ascii: "/")) else {
                guard !authority.contains(UInt8(ascii: "?")) else { throw .malformed("request target") }
                return target.upperBound..<target.upperBound  // `http://host`: the path is `/`
            }
            return slash..<target.upperBound
        }
        throw .malformed("request target")
    }

    /// The body's framing from `Content-Length` and `Transfer-Encoding` (RFC 9112 §6).
    private func body(_ fields: [HTTP1RequestHead.Field], version: HTTP1RequestHead.Version) throws(HTTP1ParseError) -> HTTP1RequestHead.Body {
        let codings = tokens(of: "transfer-encoding", in: fields)
        let lengths = tokens(of: "content-length", in: fields)
        if !codings.isEmpty || fields.contains(where: { HTTP1Bytes.equalsIgnoringCase(bytes[$0.name], "transfer-encoding") }) {
            guard version == .http11 else { throw .ambiguousFraming("Transfer-Encoding in an HTTP/1.0 request") }
            guard lengths.isEmpty else { throw .ambiguousFraming("both Content-Length and Transfer-Encoding") }
            guard let last = codings.last, HTTP1Bytes.equalsIgnoringCase(last, "chunked") else {
                throw .ambiguousFraming("chunked is not the final transfer coding")
            }
            guard codings.count == 1 else { throw .unsupportedTransferCoding }
            return .chunked
        }
        var length: Int?
        for text in lengths {
            guard text.count <= 18, text.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw .malformed("Content-Length")
            }
            let value = text.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard length == nil || length == value else { throw .ambiguousFraming("different Content-Length values") }
            length = value
        }
        if length == nil, fields.contains(where: { HTTP1Bytes.equalsIgnoringCase(bytes[$0.name], "content-length") }) {
            throw .malformed("Content-Length")
        }
        return .length(length ?? 0)
    }

    /// `Expect: 100-continue`; any other expectation cannot be met (RFC 9110 §10.1.1: 417).
    private func expectsContinue(_ fields: [HTTP1RequestHead.Field]) throws(HTTP1ParseError) -> Bool {
        var expects = false
        for field in fields where HTTP1Bytes.equalsIgnoringCase(bytes[field.name], "expect") {
            guard HTTP1Bytes.equalsIgnoringCase(bytes[field.value], "100-continue") else { throw .unsupportedExpectation }
            expects = true
        }
        return expects
    }

    /// The list elements of every field named `lowercaseName`, in order.
    private func tokens(of lowercaseName: StaticString, in fields: [HTTP1RequestHead.Field]) -> [ArraySlice<UInt8>] {
        var found: [ArraySlice<UInt8>] = []
        for field in fields where HTTP1Bytes.equalsIgnoringCase(bytes[field.name], lowercaseName) {
            HTTP1Bytes.forEachListElement(bytes[field.value]) { found.append($0) }
        }
        return found
    }
}
