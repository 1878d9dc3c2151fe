/// Codex's client API upstream (PROVIDERS.md "Codex", API): both client paths go to
/// `{api-base}/responses` with the account's Bearer token and `chatgpt-account-id`, the
/// client's `session_id` passed through. The upstream streams only, so a body without
/// `"stream": true` goes up with it set, and the stream is collected for the client.
public struct CodexProxy: ProxyAdapter {
    public static let originator = "codex_cli_rs"

    public init() {}

    public func upstreamRequest(_ call: ProxyCall, account: ProxyCredentials, config: ProviderConfig) -> UpstreamRequest {
        let body = call.request.stream == true ? call.body : Self.forcingStream(call.body)
        var request = UpstreamRequest(method: "POST", url: config.apiBase + "/responses",
                                      headers: ForwardedHeaders.upstream(call.headers), body: body)
        request.setHeader("authorization", "Bearer " + account.accessToken)
        if let workspace = account.chatgptAccountID { request.setHeader("chatgpt-account-id", workspace) }
        if request.header("originator") == nil { request.setHeader("originator", Self.originator) }
        request.setHeader("accept", "text/event-stream")
        if request.header("content-type") == nil { request.setHeader("content-type", "application/json") }
        request.applyOverrides(config.headers)
        return request
    }

    public func responseShape(_ call: ProxyCall, contentType: String?) -> ResponseShape {
        guard call.request.stream == true else { return .codexCollected }
        return ProxyAdapters.isEventStream(contentType) ? .eventStream(unwrapGemini: false) : .passThrough
    }

    /// The body with `"stream": true`, by splicing: the member's value replaced when present,
    /// else the member added first. A body that is not an object is left as is (it was
    /// refused as malformed before this point).
    static func forcingStream(_ body: [UInt8]) -> [UInt8] {
        if let range = JSONSpan.valueRange(ofMember: "stream", in: body) {
            var out = body
            out.replaceSubrange(range, with: "true".utf8)
            return out
        }
        guard let open = body.firstIndex(of: UInt8(ascii: "{")) else { return body }
        let isEmpty = body[(open + 1)...].first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "}")
        var out = body
        out.insert(contentsOf: Array((isEmpty ? #""stream":true"# : #""stream":true,"#).utf8), at: open + 1)
        return out
    }
}
