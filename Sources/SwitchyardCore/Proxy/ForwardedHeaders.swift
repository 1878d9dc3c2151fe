/// Which headers cross the worker in each direction. Everything not named here passes, so
/// new client headers (betas, SDK telemetry, `session_id`) keep working without a release.
public enum ForwardedHeaders {
    /// Never sent upstream from the client's request:
    /// - the client's own credentials (the account's token replaces them);
    /// - hop-by-hop headers (RFC 9110 §7.6.1) and framing, which libcurl sets itself;
    /// - `accept-encoding`: the worker reads error bodies and stream events, so it asks for
    ///   identity bodies;
    /// - cookies, which would tie the client's session to whichever account serves it;
    /// - Switchyard's own session header.
    static let requestDenied: Set<String> = [
        "authorization", "x-api-key", "x-goog-api-key", "cookie", "proxy-authorization",
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
        "upgrade", "proxy-connection", "expect", "accept-encoding", "x-switchyard-session",
    ]

    /// Never passed back to the client from an upstream answer: framing (the worker frames
    /// its own answer) and anything naming the upstream account or session behind the pool.
    static let responseDenied: Set<String> = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
        "proxy-connection", "set-cookie", "anthropic-organization-id", "openai-organization",
        "x-openai-account-id", "chatgpt-account-id",
    ]

    /// The client's headers that may go upstream, in order. Names are matched in lowercase.
    public static func upstream(_ headers: [(String, String)]) -> [(String, String)] {
        headers.filter { !requestDenied.contains(lowercased($0.0)) }
    }

    /// The upstream's headers that may reach the client, in order.
    public static func downstream(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.filter { !responseDenied.contains(lowercased($0.name)) }
    }

    /// ASCII lowercase without allocating when the name already is (HTTP/2 and most clients).
    static func lowercased(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : name
    }
}
