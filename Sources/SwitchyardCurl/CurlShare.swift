import CCurl

/// A libcurl share handle holding the TLS session cache of every easy handle of one
/// `CurlMultiClient`, so a new connection can resume a TLS session another handle negotiated
/// (a full handshake costs a round trip and the key exchange). Connections and DNS answers are
/// shared by the multi handle already.
///
/// No lock callbacks: every handle attached to it runs on the client's one loop thread.
/// Each `CurlEasyHandle` attached to it keeps a reference, so it is cleaned up after them.
final class CurlShare {
    let raw: UnsafeMutableRawPointer

    /// `nil` when libcurl cannot make one; the client then works without shared sessions.
    init?() {
        guard let raw = curl_share_init() else { return nil }
        guard sy_curl_share_setopt_int(raw, CURLSHOPT_SHARE, SY_CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK else {
            curl_share_cleanup(raw)
            return nil
        }
        self.raw = raw
    }

    deinit {
        curl_share_cleanup(raw)
    }
}
