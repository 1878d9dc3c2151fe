/// Why a byte stream could not be cut into protocol lines.
///
/// Every framing error is fatal for its connection: the stream position is lost, so the reader
/// closes the connection and logs `description` (SPEC §4). It never contains line content.
public enum FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line (without its `\n` and an optional `\r`) was, or was about to become, longer than
    /// `limit` bytes. Raised as soon as more than `limit` bytes are buffered without a newline,
    /// so a runaway peer never makes the reader buffer much more than the bound.
    case lineTooLong(limit: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit):
            "protocol line longer than \(limit) bytes"
        }
    }
}
