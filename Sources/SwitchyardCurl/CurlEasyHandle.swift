import CCurl

/// One libcurl easy handle and its error buffer. Not thread-safe: one thread at a time uses it
/// (`CurlEasyClient` serialises access with a lock; `CurlMultiClient` keeps its handles on its
/// loop thread). Reused between transfers so that connections, TLS sessions and DNS answers
/// carry over; `curl_easy_reset` after every transfer clears the options so no request's
/// settings or pointers leak into the next.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Kept so the share outlives every handle attached to it (`curl_share_cleanup` refuses a
    /// share still in use); released after `deinit` has cleaned the handle up.
    private let share: CurlShare?

    private init(raw: UnsafeMutableRawPointer, share: CurlShare?) {
        self.raw = raw
        self.share = share
        errorBuffer = .allocate(capacity: SY_CURL_ERROR_SIZE)
        errorBuffer.initialize(repeating: 0, count: SY_CURL_ERROR_SIZE)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// A new handle; attached to `share` when given (`curl_easy_reset` keeps that attachment).
    static func make(share: CurlShare? = nil) throws(CurlError) -> CurlEasyHandle {
        guard Curl.isInitialized, let raw = curl_easy_init() else {
            throw CurlError(code: .initFailed, curlCode: 2, message: "libcurl could not be initialised")
        }
        let handle = CurlEasyHandle(raw: raw, share: share)
        if let share {
            try handle.options.check(sy_curl_easy_setopt_pointer(raw, CURLOPT_SHARE, share.raw))
        }
        return handle
    }

    var options: CurlEasyOptions { CurlEasyOptions(handle: raw, errorBuffer: errorBuffer) }

    /// Clears every option (and with them every pointer into the last transfer's memory).
    func reset() {
        curl_easy_reset(raw)
    }

    /// Runs one transfer to the end on the calling thread, feeding `context`. Throws on a
    /// transport failure; any HTTP status is a success here.
    func perform(_ request: HTTPRequest, context: TransferContext) throws(CurlError) {
        defer { reset() }
        try CurlHeaderLines.validate(method: request.method)
        let headerList = try CurlHeaderList(CurlHeaderLines.lines(for: request.headers))
        defer { headerList.deallocate() }

        let options = options
        try options.applyTransport(request)
        try applyCallbacks(context)
        try options.check(sy_curl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, headerList.head))
        context.watchIdle(request.idleTimeout)
        let code = try withExtendedLifetime(context) { () throws(CurlError) -> CURLcode in
            try performWithBody(request)
        }
        guard code == CURLE_OK else { throw error(for: code, context: context) }
    }

    private func applyCallbacks(_ context: TransferContext) throws(CurlError) {
        let userData = Unmanaged.passUnretained(context).toOpaque()
        let options = options
        try options.check(sy_curl_easy_setopt_write_function(raw, CURLOPT_WRITEFUNCTION, CurlCallbacks.write))
        try options.check(sy_curl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, userData))
        try options.check(sy_curl_easy_setopt_write_function(raw, CURLOPT_HEADERFUNCTION, CurlCallbacks.header))
        try options.check(sy_curl_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, userData))
        try options.check(sy_curl_easy_setopt_xferinfo_function(raw, CURLOPT_XFERINFOFUNCTION, CurlCallbacks.progress))
        try options.check(sy_curl_easy_setopt_pointer(raw, CURLOPT_XFERINFODATA, userData))
        try options.set(CURLOPT_NOPROGRESS, 0)
    }

    /// Sets the method and body, then performs: the body pointer given to libcurl is only valid
    /// inside `withUnsafeBytes`, so the transfer has to run in there.
    private func performWithBody(_ request: HTTPRequest) throws(CurlError) -> CURLcode {
        let options = options
        guard try options.applyMethod(request.method, bodyCount: request.body?.count) else {
            return curl_easy_perform(raw)
        }
        let result = (request.body ?? []).withUnsafeBytes { bytes -> Result<CURLcode, CurlError> in
            Result { () throws(CurlError) -> CURLcode in
                try options.setBody(bytes.baseAddress)
                return curl_easy_perform(raw)
            }
        }
        return try result.get()
    }

    private func error(for code: CURLcode, context: TransferContext) -> CurlError {
        let raw = Int(code.rawValue)
        if context.abortedByCaller {
            return CurlError(code: .abortedByCallback, curlCode: raw, message: "transfer aborted by the caller")
        }
        if context.isCancelled {
            return CurlError(code: .cancelled, curlCode: raw, message: "transfer cancelled")
        }
        if context.idleTimedOut {
            return CurlError(code: .timedOut, curlCode: raw, message: "no data received within the idle timeout")
        }
        return options.error(for: code)
    }
}
