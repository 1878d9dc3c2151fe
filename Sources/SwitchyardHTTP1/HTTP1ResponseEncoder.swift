/// Writes HTTP/1.1 response heads and body framing as bytes, for a server that writes its own
/// connection (docs/single-loop-worker.md). The framing fields are this encoder's alone:
/// `Content-Length`, `Transfer-Encoding` and `Connection` given by the caller are dropped and
/// written from `framing` and `keepAlive`, so an upstream's answer relayed through can never
/// frame the client's connection differently from the bytes that follow.
public enum HTTP1ResponseEncoder {
    /// How the body's end is known.
    public enum Framing: Sendable, Equatable {
        case length(Int)
        /// Chunked; an HTTP/1.0 client does not know chunked, so it gets `.untilClose` instead.
        case chunked
        /// The body ends when the connection closes (never kept alive).
        case untilClose
    }

    /// Appends a response head to `out` and returns the framing in force: `.chunked` asked of
    /// an HTTP/1.0 client becomes `.untilClose`, and a connection framed by its close is not
    /// kept alive. Fields with a name that is not a token, or a value holding CR, LF or NUL,
    /// are dropped: they would split the head.
    @discardableResult
    public static func writeHead(
        status: Int, fields: [(name: String, value: String)], framing: Framing, keepAlive: Bool,
        clientVersion: HTTP1RequestHead.Version, into out: inout [UInt8]
    ) -> (framing: Framing, keepAlive: Bool) {
        var framing = framing
        if framing == .chunked, clientVersion == .http10 { framing = .untilClose }
        let keepAlive = keepAlive && framing != .untilClose
        appendStatusLine(status, to: &out)
        for (name, value) in fields where isWritable(name: name, value: value) && !isFraming(name) {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: crlf)
        }
        switch framing {
        case .length(let length):
            out.append(contentsOf: contentLengthName)
            appendDecimal(length, to: &out)
            out.append(contentsOf: crlf)
        case .chunked: out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .untilClose: break
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if clientVersion == .http10 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: crlf)
        return (framing, keepAlive)
    }

    /// Appends `body` as one chunk (nothing for an empty one: an empty chunk would end the body).
    public static func writeChunk(_ body: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        guard !body.isEmpty else { return }
        appendHex(body.count, to: &out)
        out.append(contentsOf: crlf)
        out.append(contentsOf: body)
        out.append(contentsOf: crlf)
    }

    /// The end of a chunked body (no trailers).
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// The interim answer to `Expect: 100-continue`.
    public static let continueHead: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let crlf: [UInt8] = [13, 10]
    private static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    private static let versionPrefix: [UInt8] = Array("HTTP/1.1 ".utf8)

    /// `HTTP/1.1 <status> <reason>` CRLF, written from bytes (a `String` built per answer was
    /// a tenth of the head's cost).
    private static func appendStatusLine(_ status: Int, to out: inout [UInt8]) {
        out.append(contentsOf: versionPrefix)
        appendDecimal(status, to: &out)
        out.append(UInt8(ascii: " "))
        reason(status).withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: crlf)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value > 0 else { return out.append(UInt8(ascii: "0")) }
        var digits = value
        var divisor = 1
        while divisor <= digits / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(digits / divisor))
            digits %= divisor
            divisor /= 10
        }
    }

    private static func appendHex(_ value: Int, to out: inout [UInt8]) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var shift = (Int.bitWidth - value.leadingZeroBitCount + 3) / 4 * 4 - 4
        while shift >= 0 {
            out.append(digits[(value >> shift) & 0xF])
            shift -= 4
        }
    }

    private static func isFraming(_ name: String) -> Bool {
        let bytes = name.utf8
        return HTTP1Bytes.equalsIgnoringCase(bytes, "content-length") || HTTP1Bytes.equalsIgnoringCase(bytes, "transfer-encoding")
            || HTTP1Bytes.equalsIgnoringCase(bytes, "connection") || HTTP1Bytes.equalsIgnoringCase(bytes, "keep-alive")
    }

    private static func isWritable(name: String, value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(HTTP1Bytes.isToken) && value.utf8.allSatisfy(HTTP1Bytes.isFieldValueByte)
    }

    /// The reason phrase (RFC 9110 §15); clients ignore it, people read it in logs.
    static func reason(_ status: Int) -> StaticString {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 417: "Expectation Failed"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        case 529: "Overloaded"
        default: ""
        }
    }
}
