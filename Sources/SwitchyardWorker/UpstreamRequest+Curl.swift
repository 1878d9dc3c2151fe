import Foundation
import SwitchyardCore
import SwitchyardCurl

extension SwitchyardCurl.HTTPRequest {
    /// libcurl's request for a provider request built in Core (data path, refresh and quota
    /// calls alike): the account's proxy and the configured `upstream.*` limits.
    init(_ upstream: UpstreamRequest, proxyURL: String?, connectTimeout: Duration, idleTimeout: Duration, timeout: Duration? = nil) {
        self.init(
            method: HTTPMethod(rawValue: upstream.method), url: upstream.url,
            headers: upstream.headers.map { (name: $0.0, value: $0.1) }, body: upstream.body,
            timeout: timeout, connectTimeout: connectTimeout, idleTimeout: idleTimeout, proxyURL: proxyURL)
    }
}

/// An upstream answer's `Retry-After` in whole seconds, rounded up, from either of its forms,
/// for reports to the supervisor.
func retryAfterSeconds(in headers: [(name: String, value: String)]) -> Int? {
    headers.first { $0.name.caseInsensitiveEquals("retry-after") }
        .flatMap { RetryAfterHeader.wholeSeconds($0.value, now: Int64(Date().timeIntervalSince1970)) }
}
