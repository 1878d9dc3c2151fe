/// Why a client's request cannot be read, and the status to answer it with. After any of these
/// the connection's framing is lost: answer, then close.
public enum HTTP1ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not HTTP/1.x as RFC 9112 writes it (a bare LF or CR, a folded line, a space before a
    /// field's colon, a control character, a bad target or chunk): 400.
    case malformed(String)
    /// Both `Content-Length` and `Transfer-Encoding`, two different lengths, or
    /// `Transfer-Encoding` in an HTTP/1.0 request: 400. Framing a proxy and its client could
    /// read differently is how requests are smuggled, so none of it is guessed.
    case ambiguousFraming(String)
    /// The head is over the limit, or has more fields than allowed: 431.
    case headTooLarge
    /// A transfer coding other than `chunked`: 501.
    case unsupportedTransferCoding
    /// An expectation other than `100-continue`: 417.
    case unsupportedExpectation
    /// `HTTP/2.0`, `HTTP/0.9` and the like: 505.
    case unsupportedVersion

    /// The status a server answers with.
    public var status: Int {
        switch self {
        case .malformed, .ambiguousFraming: 400
        case .headTooLarge: 431
        case .unsupportedTransferCoding: 501
        case .unsupportedExpectation: 417
        case .unsupportedVersion: 505
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed request: \(why)"
        case .ambiguousFraming(let why): "ambiguous request framing: \(why)"
        case .headTooLarge: "request head too large"
        case .unsupportedTransferCoding: "unsupported transfer coding"
        case .unsupportedExpectation: "unsupported expectation"
        case .unsupportedVersion: "HTTP version not supported"
        }
    }
}
