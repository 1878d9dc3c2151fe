/// A strict, incremental parser of HTTP/1.1 and HTTP/1.0 requests (RFC 9112), for a server
/// that owns its connection's bytes: it is handed the bytes not yet consumed, says how many it
/// consumed, and yields one event at a time — a request's head, pieces of its body (views of
/// the input, no copy), its end — then the next request's head (pipelining).
///
///     let step = try parser.next(in: buffer[unread...])
///     unread += step.consumed
///     guard let event = step.event else { read more; continue }
///
/// Strict where leniency is what request smuggling and header injection feed on: CRLF line
/// ends only, no folded lines, no space before a field's colon, no control characters in
/// values, no request with both `Content-Length` and `Transfer-Encoding` or with two different
/// lengths, `chunked` as the only transfer coding. Written by hand because the worker serves
/// clients on libcurl's own event loop (docs/single-loop-worker.md), where NIO's codec cannot
/// run; llhttp inside swift-nio is not a product other packages can depend on.
public struct HTTP1RequestParser: Sendable {
    public struct Limits: Sendable, Equatable {
        /// The head's bytes, request line to blank line (NIO's limit for the front until now).
        public var maxHeadBytes: Int
        public var maxFields: Int

        public init(maxHeadBytes: Int = 80 * 1024, maxFields: Int = 1000) {
            self.maxHeadBytes = maxHeadBytes
            self.maxFields = maxFields
        }
    }

    /// What one call found: an event (nil: more input needed) and how many bytes of the input
    /// it consumed either way.
    public struct Step: Sendable, Equatable {
        public var event: HTTP1RequestEvent?
        public var consumed: Int
    }

    private enum State: Sendable {
        case head
        /// Body bytes: the rest of a `Content-Length` body, or of one chunk.
        case data(remaining: Int, chunked: Bool)
        case chunkSize
        case chunkDataEnd
        case trailers(seen: Int)
        case end
        case failed(HTTP1ParseError)
    }

    /// A chunk-size line longer than this is not a chunk size (15 hex digits and extensions
    /// nobody sends): refused rather than buffered without bound.
    static let maxChunkLine = 4096

    public let limits: Limits
    private var state = State.head
    /// How far the search for the head's end got in the input (which starts at the head until
    /// the head is complete: nothing is consumed before).
    private var headScanned = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Reads the next event from `input`: the bytes not consumed so far, in order. After an
    /// error, every later call throws it again; the connection is done.
    public mutating func next(in input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        do {
            return try step(input)
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        var at = input.startIndex
        var consumed: Int { at - input.startIndex }
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .head:
                guard let (head, end) = try parseHead(input) else { return Step(event: nil, consumed: 0) }
                headScanned = 0
                switch head.body {
                case .length(0): state = .end
                case .length(let length): state = .data(remaining: length, chunked: false)
                case .chunked: state = .chunkSize
                }
                return Step(event: .head(head), consumed: end - input.startIndex)
            case .end:
                state = .head
                return Step(event: .end, consumed: consumed)
            case .data(let remaining, let chunked):
                guard at < input.endIndex else { return Step(event: nil, consumed: consumed) }
                let piece = input[at..<min(input.endIndex, at + remaining)]
                at = piece.endIndex
                if remaining > piece.count {
                    state = .data(remaining: remaining - piece.count, chunked: chunked)
                } else {
                    state = chunked ? .chunkDataEnd : .end
                }
                return Step(event: .body(piece), consumed: consumed)
            case .chunkSize:
                guard let lineEnd = try Self.lineEnd(in: input[at...], limit: Self.maxChunkLine, what: "chunk size") else {
                    return Step(event: nil, consumed: consumed)
                }
                let size = try Self.chunkSize(input[at..<lineEnd])
                at = lineEnd + 2
                state = size == 0 ? .trailers(seen: 0) : .data(remaining: size, chunked: true)
            case .chunkDataEnd:
                guard input.endIndex - at >= 2 else { return Step(event: nil, consumed: consumed) }
                guard input[at] == HTTP1Bytes.cr, input[at + 1] == HTTP1Bytes.lf else {
                    throw .malformed("chunk data longer than its size")
                }
                at += 2
                state = .chunkSize
            case .trailers(let seen):
                // Trailer fields are read and dropped: nothing the worker forwards needs them.
                let limit = max(0, limits.maxHeadBytes - seen)
                guard let lineEnd = try Self.lineEnd(in: input[at...], limit: limit, what: "trailer") else {
                    return Step(event: nil, consumed: consumed)
                }
                let line = input[at..<lineEnd]
                at = lineEnd + 2
                if line.isEmpty {
                    state = .end
                } else {
                    _ = try Self.fieldLine(line)
                    state = .trailers(seen: seen + line.count + 2)
                }
            }
        }
    }

    // MARK: - Head

    /// The head at the start of `input` and the index just past its blank line, or nil while
    /// it is incomplete.
    private mutating func parseHead(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (HTTP1RequestHead, Int)? {
        // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a
        // CRLF after a body).
        var start = input.startIndex
        while input.endIndex - start >= 2, input[start] == HTTP1Bytes.cr, input[start + 1] == HTTP1Bytes.lf { start += 2 }
        guard let blank = findBlankLine(input, from: start) else {
            if input.count > limits.maxHeadBytes { throw .headTooLarge }
            return nil
        }
        let end = blank + 4
        guard end - input.startIndex <= limits.maxHeadBytes else { throw .headTooLarge }
        let head = try HTTP1HeadReader(bytes: Array(input[start..<end]), limits: limits).read()
        return (head, end)
    }

    /// Where the head's terminating CRLF CRLF starts, searching on from where the last call
    /// stopped so a head arriving in many pieces is scanned once.
    private mutating func findBlankLine(_ input: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = max(start, input.startIndex + headScanned - 3)
        let last = input.endIndex - 4
        while index <= last {
            if input[index + 3] == HTTP1Bytes.lf, input[index + 2] == HTTP1Bytes.cr,
               input[index + 1] == HTTP1Bytes.lf, input[index] == HTTP1Bytes.cr {
                return index
            }
            index += 1
        }
        headScanned = input.count
        return nil
    }

    // MARK: - Lines

    /// The index of the CR of the first CRLF in `bytes`, nil if none yet; a bare LF, or no
    /// line end within `limit` bytes, is an error.
    static func lineEnd(in bytes: ArraySlice<UInt8>, limit: Int, what: String) throws(HTTP1ParseError) -> Int? {
        guard let lf = bytes.prefix(limit + 2).firstIndex(of: HTTP1Bytes.lf) else {
            if bytes.count > limit + 1 { throw .malformed("\(what) line too long") }
            return nil
        }
        guard lf > bytes.startIndex, bytes[lf - 1] == HTTP1Bytes.cr else { throw .malformed("bare LF in \(what) line") }
        return lf - 1
    }

    /// The size of a chunk from its line (hex digits, then optional extensions, ignored).
    static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexValue(line[index]) {
            guard index - line.startIndex < 15 else { throw .malformed("chunk size too large") }
            size = size << 4 | digit
            index += 1
        }
        guard index > line.startIndex else { throw .malformed("chunk size is not hexadecimal") }
        let rest = HTTP1Bytes.trimmed(line[index...])
        guard rest.isEmpty || (rest.first == UInt8(ascii: ";") && rest.allSatisfy(HTTP1Bytes.isFieldValueByte)) else {
            throw .malformed("chunk size is not hexadecimal")
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// A field line's name and value ranges (value trimmed), or why it is not one.
    static func fieldLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (name: Range<Int>, value: Range<Int>) {
        guard let first = line.first else { throw .malformed("empty field line") }
        if first == HTTP1Bytes.space || first == HTTP1Bytes.tab { throw .malformed("folded field line") }
        guard let colon = line.firstIndex(of: HTTP1Bytes.colon), colon > line.startIndex else {
            throw .malformed("field line without a name")
        }
        guard line[..<colon].allSatisfy(HTTP1Bytes.isToken) else { throw .malformed("invalid field name") }
        let value = HTTP1Bytes.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(HTTP1Bytes.isFieldValueByte) else { throw .malformed("control character in a field value") }
        return (line.startIndex..<colon, value.startIndex..<value.endIndex)
    }
}

/// One event of a request on the connection.
public enum HTTP1RequestEvent: Sendable, Equatable {
    case head(HTTP1RequestHead)
    /// The next piece of the body: a view of the parser's input, valid as long as it is kept.
    case body(ArraySlice<UInt8>)
    /// The request is complete (its body, chunked trailers included, fully read).
    case end
}
