/// What a transfer asks of its consumer after a piece of body.
public enum CurlFlow: Sendable {
    /// Keep delivering.
    case proceed
    /// Deliver nothing more until `CurlTransfer.resume()`.
    case pause
}

/// Receives one `CurlMultiClient` transfer's events.
///
/// Every method is called on the client's own thread, in this order: `receive(head:)` exactly
/// once, as soon as the final response head is complete (so before the first body byte, or
/// before `complete(nil)` when there is no body; not at all when the transfer fails before a
/// final head arrived), then `receive(body:)` zero or more times, then `complete(_:)` exactly
/// once. Nothing is called after `complete`.
///
/// One exception to "on the client's thread": a `start` after `shutdown()` calls
/// `complete(_:)` on the calling thread, before `start` returns, because there is no client
/// thread any more.
///
/// Implementations must return quickly and never block: the one client thread serves every
/// transfer, so a blocked sink stalls them all. Hand data on to other threads instead. Calling
/// back into the client (`start`, `CurlTransfer.resume()` / `cancel()`, even `shutdown()`) from
/// these methods is allowed: those only queue a command.
public protocol CurlTransferSink: AnyObject, Sendable {
    /// Hands the sink its transfer, on the thread calling `start`, before the transfer is queued:
    /// so before any other call here. The other calls can come before `start` has returned, so
    /// a sink that may `resume()` or `cancel()` from its callbacks should take the handle here
    /// rather than from `start`'s result. Optional (does nothing by default).
    func willStart(_ transfer: CurlTransfer)

    /// The final response head: informational `1xx` heads and a proxy's `CONNECT` reply are
    /// skipped.
    func receive(head: HTTPResponseHead)

    /// The bytes are valid only during the call (copy them). They count as consumed whatever
    /// is returned; `.pause` stops further delivery until `CurlTransfer.resume()` is called.
    /// A paused transfer does not count as idle for `HTTPRequest.idleTimeout`.
    func receive(body: UnsafeRawBufferPointer) -> CurlFlow

    /// nil when the response ended normally; otherwise why not (`.cancelled` after `cancel()` or
    /// `shutdown()`, `.timedOut` for connect/idle/overall timeouts, transport errors …). It can
    /// come while the sink has paused the transfer (the body ended with the last chunk it took,
    /// or the overall `timeout` ran out); a later `resume()` then does nothing.
    func complete(_ error: CurlError?)
}

extension CurlTransferSink {
    public func willStart(_ transfer: CurlTransfer) {}
}
