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
    /// Lowercase, matched case-insensitively.
    static let requestDenied: [String] = [
        "authorization", "x-api-key", "x-goog-api-key", "cookie", "proxy-authorization",
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
        "upgrade", "proxy-connection", "expect", "accept-encoding", "x-switchyard-session",
    ]

    /// Never passed back to the client from an upstream answer: framing (the worker frames
    /// its own answer) and anything naming the upstream account or session behind the pool.
    static let responseDenied: [String] = [
        "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade",
        "proxy-connection", "set-cookie", "anthropic-organization-id", "openai-organization",
        "x-openai-account-id", "chatgpt-account-id",
    ]

    /// The client's headers that may go upstream, in order.
    public static func upstream(_ headers: [(String, String)]) -> [(String, String)] {
        // Room for the adapter's own headers too (credentials, version, originator…).
        kept(headers, room: 8) { !isListed($0.0, in: requestDenied) }
    }

    /// The upstream's headers that may reach the client, in order.
    public static func downstream(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        kept(headers) { !isListed($0.name, in: responseDenied) }
    }

    /// `filter` with the room reserved at once: `filter` grows its result through 1, 2, 4, 8…,
    /// an allocation each, for every request and answer.
    private static func kept<Field>(_ headers: [Field], room: Int = 0, _ isKept: (Field) -> Bool) -> [Field] {
        var kept: [Field] = []
        kept.reserveCapacity(headers.count + room)
        for header in headers where isKept(header) { kept.append(header) }
        return kept
    }

    /// Case-insensitive, without lowercasing or hashing the name: this runs for every header
    /// of every proxied request and answer, and most names differ from every listed one in
    /// length alone.
    static func isListed(_ name: String, in names: [String]) -> Bool {
        names.contains { $0.caseInsensitiveEquals(name) }
    }
}
