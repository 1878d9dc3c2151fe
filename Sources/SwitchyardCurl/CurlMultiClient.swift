/// The data path's upstream client: libcurl's multi interface driven by one dedicated thread,
/// many concurrent streaming transfers, each reported to a `CurlTransferSink`.
///
/// - Threading: every method may be called from any thread. The client's own thread (started
///   with the first transfer) runs libcurl and calls every sink; sinks must not block it.
/// - Flow control: a sink returning `.pause` stops delivery until `CurlTransfer.resume()`;
///   libcurl then stops reading that response, so a slow consumer slows the upstream down
///   instead of filling memory (about one libcurl buffer, 16 KiB, is held per paused transfer;
///   more for a stream on a shared HTTP/2 connection, see `init`).
/// - Connections: kept alive and reused through the multi handle's connection cache; TLS
///   sessions are shared by all transfers of the client. HTTP/2 is used for `https` when the
///   server offers it; whether transfers then share one HTTP/2 connection is `multiplexing`.
/// - Requests: the same `HTTPRequest` rules as `CurlEasyClient` (no redirects, no decompression,
///   `http`/`https` only, proxies only when `proxyURL` says so, never signals).
public final class CurlMultiClient: Sendable {
    private let inbox: CurlMultiInbox
    /// Whether transfers to one host may share one HTTP/2 connection.
    public let multiplexing: Bool
    /// Runs tasks on the client's thread, next to its sinks (see `CurlLoopExecutor`).
    public let executor: CurlLoopExecutor

    /// Starts the driving thread lazily on first use. `maxConnectionsPerHost` 0 = unlimited; a
    /// transfer over the limit waits in libcurl for a free connection (its `timeout` runs).
    ///
    /// `multiplexing` (`CURLPIPE_MULTIPLEX`) lets transfers to one host share an HTTP/2
    /// connection: fewer connections and TLS handshakes upstream. Its cost with libcurl 7.88: a
    /// paused stream on a shared connection keeps receiving into libcurl's memory, up to the
    /// 32 MiB HTTP/2 window libcurl announces per stream, because libcurl must keep reading the
    /// socket for the other streams; only then does the server feel the pause. Without
    /// multiplexing a pause reaches the server at once (about 16 KiB held), HTTP/2 is still
    /// used, one transfer per connection at a time. Measured, see docs/curl-client.md.
    public convenience init(name: String = "curl-multi", maxConnectionsPerHost: Int = 0, multiplexing: Bool = true) {
        self.init(settings: CurlMultiSettings(
            name: name, maxConnectionsPerHost: maxConnectionsPerHost, multiplexing: multiplexing
        ))
    }

    /// Tests lengthen `longestPoll` so that a missing wake-up shows as a stall.
    init(settings: CurlMultiSettings) {
        Curl.globalInit()
        multiplexing = settings.multiplexing
        inbox = CurlMultiInbox(settings: settings)
        executor = CurlLoopExecutor(inbox: inbox)
    }

    deinit {
        shutdown()
    }

    /// Starts `request` and returns at once; the sink hears the rest on the client's thread, which
    /// may begin before this returns (`CurlTransferSink.willStart` gets the handle first). The
    /// request is validated, its header list built and its body copied on the calling thread;
    /// the copy lives until the transfer ends. A request that is invalid, or one started after
    /// `shutdown()`, still gets `complete(error)` (the latter on the calling thread).
    @discardableResult
    public func start(_ request: HTTPRequest, sink: any CurlTransferSink) -> CurlTransfer {
        let context = MultiTransferContext(request: request, sink: sink)
        let transfer = CurlTransfer(context: context, inbox: inbox)
        sink.willStart(transfer)
        inbox.activeCount.add(1, ordering: .relaxed)
        if let refusal = inbox.submit(.start(context)) {
            inbox.activeCount.subtract(1, ordering: .relaxed)
            context.complete(refusal)
        }
        return transfer
    }

    /// Cancels every running transfer (each gets `complete(.cancelled)`) and stops the thread.
    /// Returns once that is done, except when called on the client's own thread (from a sink),
    /// where it cannot wait for itself: there it happens right after the current callback.
    /// Later `start` calls complete at once with `.cancelled`. Idempotent.
    public func shutdown() {
        guard let thread = inbox.requestShutdown(), !LoopThread.isCurrent(thread) else { return }
        inbox.waitUntilStopped()
    }

    /// Transfers started and not yet completed (for stats and tests). Decremented before the
    /// sink's `complete` runs.
    public var activeTransfers: Int {
        inbox.activeCount.load(ordering: .relaxed)
    }
}

