import CCurl

/// One libcurl easy handle and its error buffer. Not thread-safe: `CurlEasyClient` serialises
/// access. Reused between transfers so that libcurl's connection cache (keep-alive, TLS
/// sessions, DNS) carries over; `curl_easy_reset` after every transfer clears the options so no
/// request's settings or pointers leak into the next.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Backs `CURLOPT_POSTFIELDS` for an empty body: libcurl treats a NULL pointer as "read the
    /// body from the read callback" (stdin by default), so an empty body needs a real pointer.
    private nonisolated(unsafe) static let emptyBody: UnsafeMutableRawPointer = {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        pointer.storeBytes(of: 0, as: UInt8.self)
        return pointer
    }()

    private init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
        errorBuffer = .allocate(capacity: SY_CURL_ERROR_SIZE)
        errorBuffer.initialize(repeating: 0, count: SY_CURL_ERROR_SIZE)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    static func make() throws(CurlError) -> CurlEasyHandle {
        guard Curl.isInitialized, let handle = curl_easy_init() else {
            throw CurlError(code: .initFailed, curlCode: 2, message: "libcurl could not be initialised")
        }
        return CurlEasyHandle(handle: handle)
    }

    /// Runs one transfer to the end on the calling thread, feeding `context`. Throws on a
    /// transport failure; any HTTP status is a success here.
    func perform(_ request: HTTPRequest, context: TransferContext) throws(CurlError) {
        defer { curl_easy_reset(handle) }
        try CurlHeaderLines.validate(method: request.method)
        let headerList = try Self.makeHeaderList(CurlHeaderLines.lines(for: request.headers))
        defer { curl_slist_free_all(headerList) }

        try applyTransport(request)
        try applyCallbacks(context)
        try check(sy_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        context.watchIdle(request.idleTimeout)
        let code = try withExtendedLifetime(context) { () throws(CurlError) -> CURLcode in
            try performWithBody(request)
        }
        guard code == CURLE_OK else { throw error(for: code, context: context) }
    }

    // MARK: - Options

    private func applyTransport(_ request: HTTPRequest) throws(CurlError) {
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

    private func applyCallbacks(_ context: TransferContext) throws(CurlError) {
        let userData = Unmanaged.passUnretained(context).toOpaque()
        try check(sy_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, CurlCallbacks.write))
        try check(sy_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, userData))
        try check(sy_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, CurlCallbacks.header))
        try check(sy_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, userData))
        try check(sy_curl_easy_setopt_xferinfo_function(handle, CURLOPT_XFERINFOFUNCTION, CurlCallbacks.progress))
        try check(sy_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, userData))
        try set(CURLOPT_NOPROGRESS, 0)
    }

    /// Sets the method and body, then performs: the body pointer given to libcurl is only valid
    /// inside `withUnsafeBytes`, so the transfer has to run in there.
    private func performWithBody(_ request: HTTPRequest) throws(CurlError) -> CURLcode {
        let method = request.method
        guard method != .head else {
            // HEAD never sends a body; as a custom method libcurl would wait for a response body.
            try set(CURLOPT_NOBODY, 1)
            return curl_easy_perform(handle)
        }
        guard let body = request.body else {
            switch method {
            case .get: try set(CURLOPT_HTTPGET, 1)
            case .post: return try performPost(body: [], method: method)
            default: try set(CURLOPT_CUSTOMREQUEST, method.rawValue)
            }
            return curl_easy_perform(handle)
        }
        return try performPost(body: body, method: method)
    }

    private func performPost(body: [UInt8], method: HTTPMethod) throws(CurlError) -> CURLcode {
        if method != .post { try set(CURLOPT_CUSTOMREQUEST, method.rawValue) }
        try check(sy_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        let result = body.withUnsafeBytes { bytes -> Result<CURLcode, CurlError> in
            let pointer = UnsafeMutableRawPointer(mutating: bytes.baseAddress) ?? Self.emptyBody
            // libcurl reads the body from this pointer without copying it, during perform only.
            let code = sy_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, pointer)
            guard code == CURLE_OK else { return .failure(error(for: code, context: nil)) }
            return .success(curl_easy_perform(handle))
        }
        return try result.get()
    }

    // MARK: - Helpers

    private func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(sy_curl_easy_setopt_long(handle, option, value))
    }

    /// libcurl copies string options, so the C string only has to outlive the call.
    private func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        guard !value.utf8.contains(0) else {
            throw CurlHeaderLines.invalid("option \(option.rawValue) contains a NUL byte")
        }
        try check(value.withCString { sy_curl_easy_setopt_string(handle, option, $0) })
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else { throw error(for: code, context: nil) }
    }

    private func error(for code: CURLcode, context: TransferContext?) -> CurlError {
        let raw = Int(code.rawValue)
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        if context?.abortedByCaller == true {
            return CurlError(code: .abortedByCallback, curlCode: raw, message: "transfer aborted by the caller")
        }
        if context?.isCancelled == true {
            return CurlError(code: .cancelled, curlCode: raw, message: "transfer cancelled")
        }
        if context?.idleTimedOut == true {
            return CurlError(code: .timedOut, curlCode: raw, message: "no data received within the idle timeout")
        }
        let mapped = code == CURLE_BAD_FUNCTION_ARGUMENT || code == CURLE_UNKNOWN_OPTION
            ? CurlError.Code.invalidRequest : CurlError.Code(curlCode: raw)
        return CurlError(code: mapped, curlCode: raw, message: detail)
    }

    /// Builds libcurl's header list. The caller frees it with `curl_slist_free_all` after the
    /// transfer: libcurl does not copy it.
    private static func makeHeaderList(_ lines: [String]) throws(CurlError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = line.withCString({ curl_slist_append(list, $0) }) else {
                curl_slist_free_all(list)
                throw CurlError(code: .initFailed, curlCode: 27, message: "out of memory building headers")
            }
            list = appended
        }
        return list
    }

    /// libcurl reads 0 as "no limit", so a zero or negative duration becomes the smallest limit.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(clamping: millis))
    }
}
