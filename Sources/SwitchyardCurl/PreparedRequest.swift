import CCurl

/// The part of starting a `CurlMultiClient` transfer that needs no easy handle: validation, the
/// header list and a copy of the body. Built on the thread calling `start`, so the one loop
/// thread, which every transfer shares, only sets options.
///
/// Owns C memory: the header list and the body copy must stay valid while the easy handle is in
/// the multi handle (libcurl copies neither), so `release()` runs only after
/// `curl_multi_remove_handle`.
struct PreparedRequest {
    /// The request without its headers and body (the list and the copy below stand for them).
    private let request: HTTPRequest
    private var headerList: CurlHeaderList?
    /// `nil` with no body or an empty one (then `CurlEasyOptions.emptyBody` stands in).
    private var body: UnsafeMutableRawBufferPointer?
    private let bodyCount: Int?

    init(_ request: HTTPRequest) throws(CurlError) {
        try CurlHeaderLines.validate(method: request.method)
        headerList = try CurlHeaderList(CurlHeaderLines.lines(for: request.headers))
        bodyCount = request.body?.count
        if let bytes = request.body, !bytes.isEmpty {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
            body = copy
        }
        var stripped = request
        stripped.headers = []
        stripped.body = nil
        self.request = stripped
    }

    /// Only `https` can be HTTP/2 here (no cleartext h2), so only it waits to multiplex:
    /// `CURLOPT_PIPEWAIT` on plain HTTP would hold a burst back until a first connection is up.
    var isHTTPS: Bool {
        request.url.utf8.prefix(8).lazy.map { $0 | 0x20 }.elementsEqual("https://".utf8)
    }

    /// Sets every option of the request on `options`' handle (loop thread).
    func apply(to options: CurlEasyOptions) throws(CurlError) {
        try options.applyTransport(request)
        try options.check(sy_curl_easy_setopt_slist(options.handle, CURLOPT_HTTPHEADER, headerList?.head))
        if try options.applyMethod(request.method, bodyCount: bodyCount) {
            try options.setBody(body.map { UnsafeRawPointer($0.baseAddress!) })
        }
    }

    /// Frees the header list and the body copy; call once libcurl no longer reads them.
    mutating func release() {
        headerList?.deallocate()
        headerList = nil
        body?.deallocate()
        body = nil
    }
}
