/// Gemini CLI / Code Assist, Google OAuth (PROVIDERS.md "Gemini").
///
/// Refresh: form-encoded `client_id, client_secret, grant_type, refresh_token`; the refresh
/// token does not rotate, so a grant never carries one even if Google echoes it. When the
/// answer holds an `id_token`, its `email` claim is read (unverified, as for Codex).
/// Usage: `POST {"project": …}` to `retrieveUserQuota`; each bucket becomes one window.
public struct GeminiAdapter: ProviderAdapter {
    public init() {}

    public var provider: Provider { .gemini }

    /// `clientSecret` is omitted from the form when nil (a client without a secret).
    public func refreshRequest(
        refreshToken: String, clientID: String, clientSecret: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        var form = [("client_id", clientID)]
        if let clientSecret { form.append(("client_secret", clientSecret)) }
        form.append(("grant_type", "refresh_token"))
        form.append(("refresh_token", refreshToken))
        var request = UpstreamRequest(
            method: "POST", url: config.tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(FormURLEncoding.encode(form).utf8))
        request.applyOverrides(config.headers)
        return request
    }

    public func parseTokenResponse(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> TokenGrant {
        var grant = try OAuthTokenResponse(body: body, now: now).grant
        grant.refreshToken = nil
        if let idToken = grant.idToken, let claims = JWTClaims.payload(of: idToken) {
            grant.email = claims.value("email")?.stringValue
        }
        return grant
    }

    /// Without a project the body is `{}`; the caller is expected to discover the project
    /// (`loadCodeAssist`, SPEC §7) before reading quota.
    public func usageRequest(
        accessToken: String, chatgptAccountID: String?, projectID: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        let body: JSONValue = projectID.map { ["project": .string($0)] } ?? [:]
        var request = UpstreamRequest(
            method: "POST", url: config.usageURL,
            headers: [
                ("Authorization", "Bearer " + accessToken),
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ],
            body: body.requestBody)
        request.applyOverrides(config.headers)
        return request
    }

    /// `{"buckets":[{"modelId":…,"remainingFraction":0.8,"resetTime":"…Z","tokenType":"REQUESTS"}]}`
    /// → one window per bucket: name = `tokenType` lowercased (`requests` when absent),
    /// `model` = `modelId`, used = (1 − remainingFraction) × 100.
    ///
    /// The API speaks proto3 JSON, which leaves out members holding their default value: no
    /// `buckets` means none, and a bucket without `remainingFraction` has 0 left — it is
    /// exhausted (100 % used), not unknown.
    public func parseUsage(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> [QuotaWindow] {
        let reader = try JSONObjectReader(body: body)
        var windows: [QuotaWindow] = []
        for bucket in try reader.objects("buckets") {
            let remaining = try bucket.number("remainingFraction") ?? 0
            windows.append(QuotaWindow(
                name: try bucket.string("tokenType")?.lowercased() ?? "requests",
                model: try bucket.string("modelId"),
                usedPercent: (1 - remaining) * 100,
                resetsAt: try bucket.timestamp("resetTime")))
        }
        return windows
    }
}
