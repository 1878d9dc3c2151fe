import CCurl

/// Process-wide libcurl facts and set-up.
public enum Curl {
    /// `curl_global_init`'s result, computed exactly once: a `static let` initialiser runs under
    /// `swift_once`, which is what makes `globalInit()` idempotent and thread-safe.
    private static let globalInitSucceeded: Bool = curl_global_init(SY_CURL_GLOBAL_ALL) == CURLE_OK

    /// Initialises libcurl for the whole process. Call it once early, before starting threads
    /// (libcurl's own rule: its TLS back end may not be thread-safe to initialise). Later calls do
    /// nothing. `CurlEasyClient` calls it too, so forgetting it is safe but may race with threads
    /// the program started earlier. A failed initialisation surfaces as `CurlError.Code.initFailed`
    /// on the first transfer.
    public static func globalInit() {
        _ = globalInitSucceeded
    }

    /// Whether `globalInit()` has succeeded (it runs it if nobody has yet).
    static var isInitialized: Bool { globalInitSucceeded }

    /// The loaded libcurl's version, e.g. `"7.88.1"`.
    public static var version: String {
        guard let info = sy_curl_version_info(), let version = info.pointee.version else { return "unknown" }
        return String(cString: version)
    }

    /// Whether the loaded libcurl can speak HTTP/2 (built with nghttp2). When it cannot, HTTPS
    /// requests quietly use HTTP/1.1.
    public static var supportsHTTP2: Bool {
        guard let info = sy_curl_version_info() else { return false }
        return info.pointee.features & SY_CURL_VERSION_HTTP2 != 0
    }
}
