/// Cuts a Server-Sent Events byte stream into whole events as chunks arrive (an event ends
/// at a blank line; `\n`, `\r\n` and `\r\n\r\n` endings all occur upstream), so the data path
/// can look at an event's name and data while forwarding its bytes untouched.
///
/// Events are views into the scanner's buffer, not copies: the data path looks at every
/// event of every stream it gates or collects, and a copy per event (raw bytes, data, name)
/// was a third of a proxied request's allocations. A view stays valid as long as it is kept;
/// the buffer is compacted on the next `append`, so one held across it costs a copy.
///
///     scanner.append(chunk)
///     while let event = scanner.next() { … }
public struct SSEScanner: Sendable {
    private var buffer: [UInt8] = []
    /// Bytes before this index were handed out as events; dropped on the next `append`.
    private var consumed = 0
    /// Where the search for the next event's end resumes (bytes before it hold no end).
    private var searchFrom = 0

    public init() {}

    /// One complete event: its raw bytes (blank line included), `event:` name and `data:`
    /// (several data lines joined by `\n`, the only case that copies).
    public struct Event: Sendable, Equatable {
        public var raw: ArraySlice<UInt8>
        public var name: ArraySlice<UInt8>?
        public var data: ArraySlice<UInt8>

        /// The event's type: its `event:` name, else the `type` member of its JSON data
        /// (Claude and Codex send both; some proxies in front of them drop the names).
        public var type: EventType? {
            if let name { return EventType(bytes: name) }
            guard let range = JSONSpan.valueRange(ofMember: "type", in: data) else { return nil }
            let literal = data[range]
            guard literal.count >= 2, literal.first == UInt8(ascii: "\""), literal.last == UInt8(ascii: "\"") else { return nil }
            let inner = literal.dropFirst().dropLast()
            if !inner.contains(UInt8(ascii: "\\")) { return EventType(bytes: inner) }
            return JSONSpan.string(literal).map { EventType(bytes: Array($0.utf8)[...]) }
        }
    }

    /// An event type as bytes, matched against string literals (`case "ping":`) without
    /// building a `String` for every event.
    public struct EventType: Sendable, Equatable, CustomStringConvertible {
        public var bytes: ArraySlice<UInt8>

        public static func ~= (pattern: String, value: EventType) -> Bool {
            pattern.utf8.count == value.bytes.count && pattern.utf8.elementsEqual(value.bytes)
        }

        public var description: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Bytes received but not yet part of a complete event.
    public var bufferedCount: Int { buffer.count - consumed }

    /// Adds the stream's next bytes. An array arriving when every earlier byte was handed out
    /// is taken as the buffer without a copy (a whole collected body, most chunks).
    public mutating func append(_ chunk: [UInt8]) {
        if consumed == buffer.count {
            buffer = chunk
            consumed = 0
            searchFrom = 0
        } else {
            append(chunk[...])
        }
    }

    public mutating func append<Bytes: Collection<UInt8>>(_ chunk: Bytes) {
        if consumed > 0 {
            buffer.removeFirst(consumed)
            searchFrom -= consumed
            consumed = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next complete event, or nil until more bytes arrive.
    public mutating func next() -> Event? {
        var index = max(searchFrom, consumed)
        while index < buffer.count {
            if buffer[index] == UInt8(ascii: "\n"), let end = Self.blankLineEnd(buffer, newlineAt: index, from: consumed) {
                let event = Self.parse(buffer[consumed..<end])
                consumed = end
                searchFrom = end
                return event
            }
            index += 1
        }
        // Resume one byte early: a `\n` may need the next chunk to tell if it ends an event.
        searchFrom = max(consumed, buffer.count - 1)
        return nil
    }

    /// What is left when the stream ends (an event without its blank line), as raw bytes.
    public mutating func finish() -> ArraySlice<UInt8> {
        defer {
            buffer = []
            consumed = 0
            searchFrom = 0
        }
        return buffer[consumed...]
    }

    /// The stream ended: what is left (an event without its blank line) as a last event, or
    /// nil when nothing is.
    public mutating func finishEvent() -> Event? {
        let rest = finish()
        return rest.isEmpty ? nil : Self.parse(rest)
    }

    /// If the `\n` at `index` ends a line that is blank, the index just past it.
    private static func blankLineEnd(_ bytes: [UInt8], newlineAt index: Int, from start: Int) -> Int? {
        var lineStart = index
        if lineStart > start, bytes[lineStart - 1] == UInt8(ascii: "\r") { lineStart -= 1 }
        // Blank when the line is empty: the previous byte is the previous line's `\n`, or the
        // event starts here (a stray blank line).
        if lineStart == start { return index + 1 }
        return bytes[lineStart - 1] == UInt8(ascii: "\n") ? index + 1 : nil
    }

    /// Reads the `event:` and `data:` fields of one event's bytes.
    static func parse(_ raw: ArraySlice<UInt8>) -> Event {
        var name: ArraySlice<UInt8>?
        var data = raw[raw.startIndex..<raw.startIndex]
        var dataLines = 0
        var joined: [UInt8]?
        var lineStart = raw.startIndex
        while lineStart < raw.endIndex {
            var lineEnd = lineStart
            while lineEnd < raw.endIndex, raw[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, raw[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            let line = raw[lineStart..<contentEnd]
            if let value = field("data", line) {
                dataLines += 1
                switch dataLines {
                case 1: data = value
                case 2: joined = Array(data) + [UInt8(ascii: "\n")] + value
                default:
                    joined!.append(UInt8(ascii: "\n"))
                    joined!.append(contentsOf: value)
                }
            } else if let value = field("event", line) {
                name = value
            }
            lineStart = lineEnd + 1
        }
        if let joined { data = joined[...] }
        return Event(raw: raw, name: name, data: data)
    }

    /// The value of `name: value` (one optional space after the colon), else nil.
    private static func field(_ name: StaticString, _ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let key = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        guard line.count > key.count, line.starts(with: key), line[line.startIndex + key.count] == UInt8(ascii: ":") else {
            return nil
        }
        var value = line.dropFirst(key.count + 1)
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        return value
    }
}

/// An event without a type matches no name (`switch event.type { case "ping": … }`).
public func ~= (pattern: String, value: SSEScanner.EventType?) -> Bool {
    value.map { pattern ~= $0 } ?? false
}
