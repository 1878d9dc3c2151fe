import CCurl

/// Sets one request's options on an easy handle. Shared by `CurlEasyClient` and
/// `CurlMultiClient`, so both send exactly the same thing for the same `HTTPRequest`.
///
/// A view, not an owner: the handle and its error buffer belong to a `CurlEasyHandle`. Used by
/// whichever thread currently owns that handle.
struct CurlEasyOptions {
    let handle: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// Backs `CURLOPT_POSTFIELDS` for an empty body: libcurl treats a NULL pointer as "read the
    /// body from the read callback" (stdin by default), so an empty body needs a real pointer.
    nonisolated(unsafe) static let emptyBody: UnsafeMutableRawPointer = {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        pointer.storeBytes(of: 0, as: UInt8.self)
        return pointer
    }()

    /// Where to connect and how: URL, proxy, protocols, HTTP version, timeouts. The idle timeout
    /// is not a libcurl option; each client watches it itself.
    func applyTransport(_ request: HTTPRequest) throws(CurlError) {
        errorBuffer[0] = 0
        try check(sy_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Signals are process-wide; a library running on many threads must not use them.
        try set(CURLOPT_NOSIGNAL, 1)
        if Curl.supportsHTTP2 {
            try set(CURLOPT_HTTP_VERSION, SY_CURL_HTTP_VERSION_2TLS)
        }
        // An empty proxy string turns proxies off, environment variables included.
        try set(CURLOPT_PROXY, request.proxyURL ?? "")
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        if let path = request.unixSocketPath { try set(CURLOPT_UNIX_SOCKET_PATH, path) }
        if let timeout = request.timeout { try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)) }
        if let timeout = request.connectTimeout { try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(timeout)) }
    }

    /// Sets the method and, for a body, its size. Returns whether the caller must then hand the
    /// body bytes over with `setBody` (libcurl does not copy them: they must outlive the transfer).
    func applyMethod(_ method: HTTPMethod, bodyCount: Int?) throws(CurlError) -> Bool {
        guard method != .head else {
            // HEAD never sends a body; as a custom method libcurl would wait for a response body.
            try set(CURLOPT_NOBODY, 1)
            return false
        }
        let count: Int
        switch (bodyCount, method) {
        case (nil, .get):
            try set(CURLOPT_HTTPGET, 1)
            return false
        case (nil, .post):
            count = 0
        case (nil, _):
            try set(CURLOPT_CUSTOMREQUEST, method.rawValue)
            return false
        case (let bodyCount?, _):
            count = bodyCount
            if method != .post { try set(CURLOPT_CUSTOMREQUEST, method.rawValue) }
        }
        try check(sy_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(count)))
        return true
    }

    /// `CURLOPT_POSTFIELDS`; `nil` (an empty body) becomes `emptyBody`.
    func setBody(_ bytes: UnsafeRawPointer?) throws(CurlError) {
        let pointer = UnsafeMutableRawPointer(mutating: bytes) ?? Self.emptyBody
        try check(sy_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, pointer))
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(sy_curl_easy_setopt_long(handle, option, value))
    }

    /// libcurl copies string options, so the C string only has to outlive the call.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        guard !value.utf8.contains(0) else {
            throw CurlHeaderLines.invalid("option \(option.rawValue) contains a NUL byte")
        }
        try check(value.withCString { sy_curl_easy_setopt_string(handle, option, $0) })
    }

    func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw error(for: code) }
    }

    /// The typed error for a failed `CURLcode`, with libcurl's detailed message when it left one
    /// in the error buffer.
    func error(for code: CURLcode) -> CurlError {
        let raw = Int(code.rawValue)
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let mapped = code == CURLE_BAD_FUNCTION_ARGUMENT || code == CURLE_UNKNOWN_OPTION
            ? CurlError.Code.invalidRequest : CurlError.Code(curlCode: raw)
        return CurlError(code: mapped, curlCode: raw, message: detail)
    }

    /// libcurl reads 0 as "no limit", so a zero or negative duration becomes the smallest limit.
    static func milliseconds(_ duration: Duration) -> Int {
        max(1, duration.millisecondsRoundedUp)
    }
}

extension Duration {
    /// Whole milliseconds, rounded up (a timer a fraction of one away must not be missed);
    /// 0 for a duration of zero or less. (SwitchyardCore has its own for scheduling: this
    /// module depends on nothing but libcurl.)
    var millisecondsRoundedUp: Int {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, whole < Int64.max - 1000 else { return .max }
        return Int(whole + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// Whole nanoseconds (durations of a wait: far from overflowing).
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
