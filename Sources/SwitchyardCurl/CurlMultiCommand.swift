/// What other threads ask of a `CurlMultiLoop`. Everything that touches the multi handle or an
/// easy handle in it (`curl_multi_add_handle`, `curl_easy_pause`, `curl_multi_remove_handle`)
/// must run on the loop thread, so it travels as one of these.
enum CurlMultiCommand: Sendable {
    case start(MultiTransferContext)
    case resume(MultiTransferContext)
    case cancel(MultiTransferContext)
    /// A Swift job for the client's executor, from another thread (`CurlLoopExecutor`).
    case job(UnownedJob, UnownedTaskExecutor)
    /// Cancel every transfer and stop the thread; always the last command.
    case shutdown
}

/// What a `CurlMultiClient` is set up with.
struct CurlMultiSettings: Sendable {
    var name: String
    /// 0: unlimited.
    var maxConnectionsPerHost: Int
    /// Several transfers share one HTTP/2 connection.
    var multiplexing: Bool
    /// Connections libcurl keeps open, in use or idle (`CURLMOPT_MAXCONNECTS`); past it the
    /// oldest idle one is closed. libcurl's default, four per transfer *currently running*,
    /// shrinks at the tail of every burst and closes connections the next burst must open
    /// again (a TLS handshake each). Idle connections still close after libcurl's 118 s.
    var maxCachedConnections = 1024
    /// The longest wait for readiness, in milliseconds; shorter when libcurl's timer is due
    /// sooner. Only a safety net: commands end a wait through the poller's wake-up.
    var longestPoll: Int32 = 1000
}
