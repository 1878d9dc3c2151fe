import Foundation

/// Claude's client API upstream (PROVIDERS.md "Claude", API): the client's path on
/// `api-base`, its body untouched, the account's Bearer token, `anthropic-version` when the
/// client sent none, and the OAuth beta merged into the client's own `anthropic-beta` list.
public struct ClaudeProxy: ProxyAdapter {
    public static let defaultVersion = "2023-06-01"

    public init() {}

    public func upstreamRequest(_ call: ProxyCall, account: ProxyCredentials, config: ProviderConfig) -> UpstreamRequest {
        let path = call.endpoint == .claudeCountTokens ? "/v1/messages/count_tokens" : "/v1/messages"
        var request = UpstreamRequest(method: "POST", url: config.apiBase + path,
                                      headers: ForwardedHeaders.upstream(call.headers), body: call.body)
        request.setHeader("authorization", "Bearer " + account.accessToken)
        if request.header("anthropic-version") == nil { request.setHeader("anthropic-version", Self.defaultVersion) }
        request.setHeader("anthropic-beta", Self.mergedBetas(call.headers))
        if request.header("content-type") == nil { request.setHeader("content-type", "application/json") }
        request.applyOverrides(config.headers)
        return request
    }

    public func responseShape(_ call: ProxyCall, contentType: String?) -> ResponseShape {
        ProxyAdapters.isEventStream(contentType) ? .eventStream(unwrapGemini: false) : .passThrough
    }

    /// Every beta the client listed (in all its `anthropic-beta` headers), each once, with
    /// the OAuth beta first: without it Anthropic refuses OAuth tokens.
    static func mergedBetas(_ headers: [(String, String)]) -> String {
        var betas = [ClaudeAdapter.oauthBeta]
        for (name, value) in headers where name.caseInsensitiveEquals("anthropic-beta") {
            for part in value.split(separator: ",") {
                let beta = part.trimmingCharacters(in: .whitespaces)
                if !beta.isEmpty, !betas.contains(beta) { betas.append(beta) }
            }
        }
        return betas.joined(separator: ",")
    }
}
