/// Cuts a Server-Sent Events byte stream into whole events as chunks arrive (an event ends
/// at a blank line; `\n`, `\r\n` and `\r\n\r\n` endings all occur upstream), so the data path
/// can look at an event's name and data while forwarding its bytes untouched.
public struct SSEScanner: Sendable {
    private var pending: [UInt8] = []
    /// Where the search for the event end resumes in `pending` (bytes before it hold no end).
    private var searchFrom = 0

    public init() {}

    /// One complete event: its raw bytes (blank line included), `event:` name and joined `data:`.
    public struct Event: Sendable, Equatable {
        public var raw: [UInt8]
        public var name: String?
        public var data: [UInt8]
    }

    /// Bytes received but not yet part of a complete event.
    public var bufferedCount: Int { pending.count }

    /// Appends `chunk` and returns the events it completed, in order.
    public mutating func feed<Bytes: Collection<UInt8>>(_ chunk: Bytes) -> [Event] {
        pending.append(contentsOf: chunk)
        var events: [Event] = []
        var start = 0
        var index = max(searchFrom, 0)
        while index < pending.count {
            if pending[index] == UInt8(ascii: "\n"), let end = Self.blankLineEnd(pending, newlineAt: index, from: start) {
                events.append(Self.parse(Array(pending[start..<end])))
                start = end
                index = end
                continue
            }
            index += 1
        }
        if start > 0 { pending.removeFirst(start) }
        // Resume one byte early: a `\n` may need the next chunk to tell if it ends an event.
        searchFrom = max(0, pending.count - 1)
        return events
    }

    /// What is left when the stream ends (an event without its blank line), as raw bytes.
    public mutating func finish() -> [UInt8] {
        defer { pending = []; searchFrom = 0 }
        return pending
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
    static func parse(_ raw: [UInt8]) -> Event {
        var name: String?
        var data: [UInt8] = []
        var sawData = false
        var lineStart = 0
        while lineStart < raw.count {
            var lineEnd = lineStart
            while lineEnd < raw.count, raw[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart, raw[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            let line = raw[lineStart..<contentEnd]
            if let value = field("data", line) {
                if sawData { data.append(UInt8(ascii: "\n")) }
                data.append(contentsOf: value)
                sawData = true
            } else if let value = field("event", line) {
                name = String(decoding: value, as: UTF8.self)
            }
            lineStart = lineEnd + 1
        }
        return Event(raw: raw, name: name, data: data)
    }

    /// The value of `name: value` (one optional space after the colon), else nil.
    private static func field(_ name: String, _ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let key = name.utf8
        guard line.count > key.count, line.starts(with: key), line[line.startIndex + key.count] == UInt8(ascii: ":") else {
            return nil
        }
        var value = line.dropFirst(key.count + 1)
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        return value
    }
}
