/// One HTTP request for `CurlEasyClient` or `CurlMultiClient` (both read it the same way): a
/// plain value, built by the caller and read by the client, never kept after the transfer.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute `http://` or `https://` URL. With `unixSocketPath` the host part only fills the
    /// `Host` header.
    public var url: String
    /// Sent in this order, duplicates kept. An empty value is sent as an empty header (not
    /// dropped). The client adds nothing but `Host`, `Accept: */*` and, with a body,
    /// `Content-Length` (it removes curl's default form `Content-Type` and `Expect: 100-continue`);
    /// a header given here with the same name replaces curl's.
    public var headers: [(name: String, value: String)]
    /// `nil`: no body. With `.get`/`.head` a body is sent anyway if given.
    public var body: [UInt8]?
    /// The whole transfer, connect included. `nil`: no limit.
    public var timeout: Duration?
    /// Connecting (TCP + TLS + proxy handshake). `nil`: libcurl's default of 300 s.
    public var connectTimeout: Duration?
    /// Fails the transfer (`.timedOut`) when no byte moves this long, counted from the start
    /// (SPEC's `upstream.idle-timeout`). `CurlEasyClient` checks it about once a second,
    /// `CurlMultiClient` every 100 ms, so it fires up to that late. A `CurlMultiClient` transfer
    /// its sink paused is never idle. `nil`: no idle limit.
    public var idleTimeout: Duration?
    /// `http://`, `https://`, `socks5://` (names resolved locally) or `socks5h://` (names resolved
    /// by the proxy), optionally with `user:password@`. `nil` means a direct connection: the
    /// `http_proxy`/`https_proxy` environment variables are deliberately ignored, so that an
    /// account without a proxy never goes through one by accident.
    public var proxyURL: String?
    /// Connect to this Unix-domain socket instead of the URL's host and port.
    public var unixSocketPath: String?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil,
        idleTimeout: Duration? = nil,
        proxyURL: String? = nil,
        unixSocketPath: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.proxyURL = proxyURL
        self.unixSocketPath = unixSocketPath
    }
}
