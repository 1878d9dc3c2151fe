/// What other threads ask of a `CurlMultiLoop`. Everything that touches the multi handle or an
/// easy handle in it (`curl_multi_add_handle`, `curl_easy_pause`, `curl_multi_remove_handle`)
/// must run on the loop thread, so it travels as one of these.
enum CurlMultiCommand: Sendable {
    case start(MultiTransferContext)
    case resume(MultiTransferContext)
    case cancel(MultiTransferContext)
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
    /// The longest wait for readiness, in milliseconds; shorter when libcurl's timer is due
    /// sooner. Only a safety net: commands end a wait through the poller's wake-up.
    var longestPoll: Int32 = 1000
}
