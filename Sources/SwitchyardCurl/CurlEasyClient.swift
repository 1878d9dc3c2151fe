import Dispatch
import Synchronization

/// A blocking HTTP client over one libcurl easy handle: for the control path (token refresh,
/// quota look-ups, tests), where one request at a time per client is plenty. The data path's
/// many concurrent streams belong to a multi-handle client next to this one.
///
/// Threading: every method may be called from any thread. Transfers on one client run one at a
/// time (a lock guards the handle; a second caller waits), so use one client per concurrent
/// stream. The handle is kept between transfers, so keep-alive connections and TLS sessions are
/// reused; its options are reset after each transfer.
///
/// Behaviour common to every request: no redirects are followed (a 3xx is returned as is), the
/// body is not decompressed (bytes arrive as the server sent them), only `http` and `https` URLs
/// are accepted, HTTP/2 is used for `https` when the server offers it (HTTP/1.1 otherwise and
/// for plain `http`), and libcurl never uses signals.
public final class CurlEasyClient: Sendable {
    /// Created on first use, so `init` cannot fail; a failure to create it is a `CurlError`.
    private let handle = Mutex<CurlEasyHandle?>(nil)
    /// Where `async` calls block, off Swift's cooperative pool (a blocked cooperative thread
    /// would starve other tasks on a 2-core machine).
    private let queue = DispatchQueue(label: "switchyard.curl.easy-client")

    public init() {
        Curl.globalInit()
    }

    /// Performs `request` and returns the whole response, blocking the calling thread. Any HTTP
    /// status is a response; only transport failures throw.
    public func perform(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        try performBuffered(request, cancellation: nil)
    }

    /// Performs `request`, handing the body on as it arrives instead of buffering it.
    ///
    /// - `onHeaders` is called once, with the final response head, before the first chunk (or
    ///   at the end when there is no body). It is not called when the transfer fails first.
    /// - `onChunk` is called with each piece of body as libcurl receives it; return `false` to
    ///   abort: the connection is closed and this throws `CurlError.Code.abortedByCallback`.
    ///
    /// Both run on the calling thread, inside this call. Returns the head once the body ended.
    @discardableResult
    public func perform(
        _ request: HTTPRequest,
        onHeaders: (HTTPResponseHead) -> Void,
        onChunk: ([UInt8]) -> Bool
    ) throws(CurlError) -> HTTPResponseHead {
        let result = withoutActuallyEscaping(onHeaders) { onHeaders in
            withoutActuallyEscaping(onChunk) { onChunk in
                Result { () throws(CurlError) -> HTTPResponseHead in
                    let context = TransferContext(onHeaders: onHeaders, onChunk: onChunk)
                    try run(request, context: context)
                    return context.deliverHeadIfNeeded()
                }
            }
        }
        return try result.get()
    }

    /// Performs `request` on this client's own dispatch queue and suspends until it is done.
    /// Cancelling the awaiting task aborts the transfer within about a second and throws
    /// `CurlError.Code.cancelled`.
    public func perform(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let cancellation = TransferCancellation()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, CurlError>, Never>) in
                queue.async {
                    continuation.resume(returning: Result { () throws(CurlError) -> HTTPResponse in
                        try self.performBuffered(request, cancellation: cancellation)
                    })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    private func performBuffered(_ request: HTTPRequest, cancellation: TransferCancellation?) throws(CurlError) -> HTTPResponse {
        if cancellation?.isCancelled == true {
            throw CurlError(code: .cancelled, curlCode: 0, message: "transfer cancelled before it started")
        }
        let context = TransferContext(cancellation: cancellation)
        try run(request, context: context)
        return HTTPResponse(head: context.deliverHeadIfNeeded(), body: context.body)
    }

    private func run(_ request: HTTPRequest, context: TransferContext) throws(CurlError) {
        try handle.withLock { (handle: inout CurlEasyHandle?) throws(CurlError) in
            let easy: CurlEasyHandle
            if let existing = handle {
                easy = existing
            } else {
                easy = try CurlEasyHandle.make()
                handle = easy
            }
            try easy.perform(request, context: context)
        }
    }
}
