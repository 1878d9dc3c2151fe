/// Code that lives on a `CurlMultiClient`'s loop next to libcurl (a listening socket, a client
/// connection): it hears when its descriptor is ready and, when it asked, at the end of a turn.
/// Called on the loop thread only; must not block.
public protocol CurlLoopHandler: AnyObject {
    /// The watched descriptor `fd` is ready as `events` says.
    func ready(_ fd: Int32, events: CurlLoopEvents)
    /// Once per `CurlLoop.runAtEndOfTurn(_:)`, before the loop next waits: the place to write
    /// what a turn produced in one system call instead of one per piece.
    func endOfTurn()
}

extension CurlLoopHandler {
    public func endOfTurn() {}
}

/// What a watched descriptor is ready for.
public struct CurlLoopEvents: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let readable = CurlLoopEvents(rawValue: 1)
    public static let writable = CurlLoopEvents(rawValue: 2)
    /// Hung up or failed (EPOLLHUP, EPOLLERR): reading or writing will say how.
    public static let hangUp = CurlLoopEvents(rawValue: 4)
}
