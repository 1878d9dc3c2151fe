/// Turns the header lines libcurl hands to `CURLOPT_HEADERFUNCTION` into the final response
/// head. Pure: no libcurl here, so every rule is unit-tested.
///
/// libcurl passes every header block it reads: `100 Continue` and other `1xx` blocks, a proxy's
/// `CONNECT` reply (unless suppressed), the final response, and then chunked trailers. Each block
/// starts with a status line, so a status line starts over; lines after a complete block that do
/// not start a new one are trailers and are dropped.
///
/// Works on the line's bytes and makes a `String` only of each name and value: this runs for
/// every header of every upstream answer, on the thread all transfers share.
struct ResponseHeadParser {
    private(set) var status = 0
    private(set) var headers: [(name: String, value: String)] = []
    private var blockComplete = false

    var head: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }

    /// The final head has ended (its blank line arrived), so it can be handed on before any
    /// body: an interim `1xx` block does not count.
    var hasCompleteFinalHead: Bool { blockComplete && status >= 200 }

    /// Takes one header line as delivered (with or without its CR LF).
    mutating func consume(line bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\r") || bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.starts(with: Self.httpPrefix) {
            status = Self.statusCode(ofStatusLine: line) ?? 0
            headers.removeAll(keepingCapacity: true)
            // Room for a usual head at once, instead of growing through 1, 2, 4 and 8.
            headers.reserveCapacity(16)
            blockComplete = false
        } else if line.isEmpty {
            blockComplete = true
        } else if blockComplete {
            return
        } else if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            appendContinuation(Self.trimmingBlanks(line))
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<colon]), as: UTF8.self)
            let value = Self.trimmingBlanks(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
            headers.append((name: name, value: value))
        }
    }

    mutating func consume(line: String) {
        var line = line
        line.withUTF8 { consume(line: UnsafeRawBufferPointer($0)) }
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    /// Obsolete line folding (RFC 9112 §5.2): a line starting with a blank continues the previous
    /// value; a recipient may replace the fold with a single space.
    private mutating func appendContinuation(_ continuation: String) {
        guard let last = headers.indices.last else { return }
        headers[last].value += headers[last].value.isEmpty ? continuation : " " + continuation
    }

    /// `"HTTP/1.1 200 OK"` and `"HTTP/2 200"` → 200: the three digits after the first space.
    static func statusCode(ofStatusLine line: UnsafeRawBufferPointer) -> Int? {
        guard var index = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        while index < line.count, line[index] == UInt8(ascii: " ") { index += 1 }
        var code = 0
        var digits = 0
        while index < line.count, line[index] != UInt8(ascii: " ") {
            let byte = line[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        return digits == 3 ? code : nil
    }

    static func statusCode(ofStatusLine line: String) -> Int? {
        var line = line
        return line.withUTF8 { statusCode(ofStatusLine: UnsafeRawBufferPointer($0)) }
    }

    private static func trimmingBlanks(_ text: UnsafeRawBufferPointer) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = text.firstIndex(where: { !isBlank($0) }),
              let end = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: text[start...end]), as: UTF8.self)
    }
}
