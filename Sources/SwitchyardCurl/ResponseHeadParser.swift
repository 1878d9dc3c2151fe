/// Turns the header lines libcurl hands to `CURLOPT_HEADERFUNCTION` into the final response
/// head. Pure: no libcurl here, so every rule is unit-tested.
///
/// libcurl passes every header block it reads: `100 Continue` and other `1xx` blocks, a proxy's
/// `CONNECT` reply (unless suppressed), the final response, and then chunked trailers. Each block
/// starts with a status line, so a status line starts over; lines after a complete block that do
/// not start a new one are trailers and are dropped.
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
        consume(line: String(decoding: bytes, as: UTF8.self))
    }

    mutating func consume(line rawLine: String) {
        let line = Self.trimmingLineEnd(rawLine)
        if line.hasPrefix("HTTP/") {
            status = Self.statusCode(ofStatusLine: line) ?? 0
            headers.removeAll(keepingCapacity: true)
            blockComplete = false
        } else if line.isEmpty {
            blockComplete = true
        } else if blockComplete {
            return
        } else if let first = line.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            appendContinuation(line)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = Self.trimmingBlanks(line[line.index(after: colon)...])
            headers.append((name: name, value: value))
        }
    }

    /// Obsolete line folding (RFC 9112 §5.2): a line starting with a blank continues the previous
    /// value; a recipient may replace the fold with a single space.
    private mutating func appendContinuation(_ line: String) {
        guard let last = headers.indices.last else { return }
        let continuation = Self.trimmingBlanks(Substring(line))
        headers[last].value += headers[last].value.isEmpty ? continuation : " " + continuation
    }

    /// `"HTTP/1.1 200 OK"` and `"HTTP/2 200"` → 200.
    static func statusCode(ofStatusLine line: String) -> Int? {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[1].utf8.count == 3 else { return nil }
        return Int(parts[1])
    }

    private static func trimmingLineEnd(_ line: String) -> String {
        var line = Substring(line)
        while let last = line.utf8.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        return String(line)
    }

    private static func trimmingBlanks(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isBlank($0) }),
              let end = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[start...end])
    }
}
