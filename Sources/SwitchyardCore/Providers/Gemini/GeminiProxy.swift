/// Gemini's client API upstream (PROVIDERS.md "Gemini", API (Code Assist)): the Gemini API
/// request goes to `{api-base}/v1internal:{method}` inside the Code Assist envelope with the
/// account's project, and answers come back unwrapped. Streams are always asked for as
/// `alt=sse`; a client that wanted Google's JSON-array form gets one built from the events.
public struct GeminiProxy: ProxyAdapter {
    public init() {}

    public func upstreamRequest(_ call: ProxyCall, account: ProxyCredentials, config: ProviderConfig) -> UpstreamRequest {
        guard case .gemini(let model, let method) = call.endpoint else {
            preconditionFailure("GeminiProxy serves Gemini endpoints only")
        }
        let body: [UInt8]
        var url = config.apiBase + "/v1internal:" + method.rawValue
        switch method {
        case .generateContent:
            body = GeminiEnvelope.wrap(call.body, model: model, project: account.projectID)
        case .streamGenerateContent:
            body = GeminiEnvelope.wrap(call.body, model: model, project: account.projectID)
            url += "?alt=sse"
        case .countTokens:
            body = GeminiEnvelope.wrapCountTokens(call.body, model: model)
        }
        var request = UpstreamRequest(method: "POST", url: url, headers: ForwardedHeaders.upstream(call.headers), body: body)
        request.setHeader("authorization", "Bearer " + account.accessToken)
        request.setHeader("content-type", "application/json")
        request.applyOverrides(config.headers)
        return request
    }

    public func responseShape(_ call: ProxyCall, contentType: String?) -> ResponseShape {
        guard case .gemini(_, .streamGenerateContent) = call.endpoint else { return .geminiJSON }
        guard ProxyAdapters.isEventStream(contentType) else { return .geminiJSON }
        return call.wantsSSE ? .eventStream(unwrapGemini: true) : .geminiArray
    }

    /// `loadCodeAssist`, which names the account's Code Assist project (SPEC §7: an account
    /// without `project_id` gets one on first use).
    public static func projectDiscoveryRequest(accessToken: String, config: ProviderConfig) -> UpstreamRequest {
        var request = UpstreamRequest(
            method: "POST", url: config.apiBase + "/v1internal:loadCodeAssist",
            headers: [("authorization", "Bearer " + accessToken), ("content-type", "application/json")],
            body: Array(#"{"metadata":{"ideType":"IDE_UNSPECIFIED","platform":"PLATFORM_UNSPECIFIED","pluginType":"GEMINI"}}"#.utf8))
        request.applyOverrides(config.headers)
        return request
    }

    /// The project in a `loadCodeAssist` answer: `cloudaicompanionProject` as a string, or an
    /// object with an `id`.
    public static func discoveredProject(_ body: [UInt8]) -> String? {
        guard let range = JSONSpan.valueRange(ofMember: "cloudaicompanionProject", in: body) else { return nil }
        let value = Array(body[range])
        if let name = JSONSpan.string(value[...]), !name.isEmpty { return name }
        return JSONSpan.valueRange(ofMember: "id", in: value).flatMap { JSONSpan.string(value[$0]) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
