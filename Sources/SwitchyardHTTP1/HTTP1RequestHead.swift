/// A parsed request head. It keeps the head's bytes once and hands out views of them, so a
/// request costs two allocations here (the bytes and the field list) however many fields it
/// has; names and values become `String`s only when asked for.
public struct HTTP1RequestHead: Sendable, Equatable {
    public enum Version: Sendable, Equatable { case http10, http11 }

    /// How the request's body is framed.
    public enum Body: Sendable, Equatable {
        /// `Content-Length` (0 when the request has neither it nor `Transfer-Encoding`).
        case length(Int)
        /// `Transfer-Encoding: chunked`; the length is known only at its last chunk.
        case chunked
    }

    /// One field line: byte ranges of `bytes`.
    struct Field: Sendable, Equatable {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// The head as received, from the request line to the blank line (leading empty lines
    /// excluded).
    let bytes: [UInt8]
    let methodRange: Range<Int>
    /// The target as a path and query: an absolute-form target has its scheme and authority
    /// taken off.
    let pathRange: Range<Int>
    let fields: [Field]

    public let version: Version
    public let body: Body
    /// Whether the connection stays open after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    public let keepAlive: Bool
    /// `Expect: 100-continue`: the client waits for a go-ahead before sending the body.
    public let expectsContinue: Bool

    public var method: String { String(decoding: bytes[methodRange], as: UTF8.self) }
    /// The path and query, e.g. `/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`.
    public var path: String { String(decoding: pathBytes, as: UTF8.self) }
    /// The path and query as a view (`/` for an absolute-form target without a path).
    public var pathBytes: ArraySlice<UInt8> { pathRange.isEmpty ? [UInt8(ascii: "/")] : bytes[pathRange] }

    /// Every field in order, as received (values trimmed of surrounding whitespace).
    public var fieldList: [(name: String, value: String)] {
        fields.map { (String(decoding: bytes[$0.name], as: UTF8.self), String(decoding: bytes[$0.value], as: UTF8.self)) }
    }

    /// How many field lines the head has.
    public var fieldCount: Int { fields.count }

    /// The name and value of the field at `index` (in order of arrival), as views.
    public func field(at index: Int) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        (bytes[fields[index].name], bytes[fields[index].value])
    }

    /// The value of the first field named `lowercaseName` (compared ignoring case).
    public func value(of lowercaseName: StaticString) -> String? {
        values(of: lowercaseName).first.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The values of every field named `lowercaseName`, in order, as views.
    public func values(of lowercaseName: StaticString) -> [ArraySlice<UInt8>] {
        fields.lazy.filter { HTTP1Bytes.equalsIgnoringCase(bytes[$0.name], lowercaseName) }.map { bytes[$0.value] }
    }
}
