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
    /// The longest `curl_multi_poll`, in milliseconds; libcurl polls shorter when one of its own
    /// timers is due sooner. Only a safety net: commands end a poll through `curl_multi_wakeup`.
    var longestPoll: Int32 = 1000
}
