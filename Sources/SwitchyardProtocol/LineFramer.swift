/// Cuts a byte stream into lines: the pure core of the protocol's framing (SPEC §4).
///
/// Feed it whatever a read returned with `append(_:)`, then call `nextLine()` until it returns
/// `nil`. Lines may be split across reads and one read may hold many lines. A line ends at `\n`;
/// one `\r` right before it is dropped (CRLF is tolerated). Empty lines are skipped, never
/// returned. A line longer than `maxLineBytes` (without its terminator) is an error, reported as
/// soon as more than that many bytes are buffered without a newline — call `nextLine()` after
/// every `append` and the framer never holds much more than one bound plus one read.
///
/// After an error the framer is spent: the stream position is lost, later appends are dropped
/// and every `nextLine()` throws the same error. Close the connection.
///
/// A value type with no I/O; `JSONLineFrameDecoder` applies the same rule inside a NIO pipeline.
public struct LineFramer: Sendable {
    /// The longest line accepted, in bytes, not counting `\n` or a `\r` before it.
    public let maxLineBytes: Int

    private var storage: [UInt8] = []
    /// Index of the first byte not yet returned.
    private var lineStart = 0
    /// Bytes in `lineStart..<scanned` are known to hold no newline; searching resumes here so
    /// that a long line arriving byte by byte is scanned once, not once per read.
    private var scanned = 0
    private var failure: FramingError?

    public init(maxLineBytes: Int = 1 << 20) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes held and not yet returned as lines (for tests and metrics).
    public var bufferedByteCount: Int { storage.count - lineStart }

    /// Adds bytes read from the stream. Bytes after a framing error are dropped.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil else { return }
        compact()
        storage.append(contentsOf: bytes)
    }

    /// Returns the next complete, non-empty line without its terminator, or `nil` when no
    /// complete line is buffered yet.
    public mutating func nextLine() throws(FramingError) -> [UInt8]? {
        if let failure { throw failure }
        while let newline = storage[scanned...].firstIndex(of: LineBound.newline) {
            var end = newline
            if end > lineStart, storage[end - 1] == LineBound.carriageReturn { end -= 1 }
            let start = lineStart
            lineStart = newline + 1
            scanned = lineStart
            if end == start { continue }
            guard end - start <= maxLineBytes else { throw fail() }
            return Array(storage[start..<end])
        }
        scanned = storage.count
        if LineBound.unterminatedExceeds(count: bufferedByteCount, lastByte: storage.last, limit: maxLineBytes) {
            throw fail()
        }
        return nil
    }

    /// Spends the framer: frees the buffer and remembers the error for every later call.
    private mutating func fail() -> FramingError {
        let error = FramingError.lineTooLong(limit: maxLineBytes)
        failure = error
        storage = []
        lineStart = 0
        scanned = 0
        return error
    }

    /// Drops the bytes already returned. Only `append` compacts, so the lines of one read are
    /// handed out without moving memory, and each compaction moves at most one partial line.
    private mutating func compact() {
        guard lineStart > 0 else { return }
        if lineStart == storage.count {
            storage.removeAll(keepingCapacity: true)
        } else {
            storage.removeSubrange(0..<lineStart)
        }
        scanned -= lineStart
        lineStart = 0
    }
}
