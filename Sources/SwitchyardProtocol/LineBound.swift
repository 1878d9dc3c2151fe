/// The one rule shared by `LineFramer` and `JSONLineFrameDecoder` for when a line is too long,
/// kept in one place so the pure framer and the NIO decoder cannot drift apart.
enum LineBound {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// Whether `count` bytes buffered *without* a newline already prove the line too long.
    ///
    /// A line may carry one `\r` before its `\n` that does not count towards the bound, so
    /// `limit + 1` bytes are still acceptable when the last of them is `\r`.
    static func unterminatedExceeds(count: Int, lastByte: UInt8?, limit: Int) -> Bool {
        if count > limit + 1 { return true }
        return count == limit + 1 && lastByte != carriageReturn
    }
}
