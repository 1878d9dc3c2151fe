/// Codex / ChatGPT OAuth (PROVIDERS.md "Codex").
///
/// Refresh: JSON `{client_id, grant_type, refresh_token, scope}`. Refresh tokens are single
/// use, which is why parsing is lenient about everything but the access token. The answer's
/// `id_token` is a JWT whose claims give the identity (SPEC §5: `chatgpt_account_id` +
/// `chatgpt_user_id`) and the e-mail.
/// Usage: `GET` with `chatgpt-account-id`; the `primary_window` and `secondary_window` of
/// `rate_limit` become the windows `primary` and `secondary`.
public struct CodexAdapter: ProviderAdapter {
    /// The scope the Codex CLI asks for on refresh.
    public static let refreshScope = "openid profile email"
    /// The claim under which OpenAI puts the ChatGPT ids.
    static let authClaim = "https://api.openai.com/auth"
    /// Older tokens carried the e-mail here rather than top-level.
    static let profileClaim = "https://api.openai.com/profile"

    public init() {}

    public var provider: Provider { .codex }

    public func refreshRequest(
        refreshToken: String, clientID: String, clientSecret: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        let body: JSONValue = [
            "client_id": .string(clientID),
            "grant_type": "refresh_token",
            "refresh_token": .string(refreshToken),
            "scope": .string(Self.refreshScope),
        ]
        var request = UpstreamRequest(
            method: "POST", url: config.tokenURL,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
            body: body.requestBody)
        request.applyOverrides(config.headers)
        return request
    }

    public func parseTokenResponse(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> TokenGrant {
        var grant = try OAuthTokenResponse(body: body, now: now).grant
        if let idToken = grant.idToken, let claims = JWTClaims.payload(of: idToken) {
            let auth = claims.value(Self.authClaim)
            grant.chatgptAccountID = auth?["chatgpt_account_id"]?.stringValue
            grant.chatgptUserID = auth?["chatgpt_user_id"]?.stringValue ?? auth?["user_id"]?.stringValue
            grant.email = claims.value("email")?.stringValue
                ?? claims.value(Self.profileClaim)?["email"]?.stringValue
        }
        return grant
    }

    public func usageRequest(
        accessToken: String, chatgptAccountID: String?, projectID: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        var headers = [("Authorization", "Bearer " + accessToken)]
        if let chatgptAccountID { headers.append(("chatgpt-account-id", chatgptAccountID)) }
        headers.append(("Accept", "application/json"))
        var request = UpstreamRequest(method: "GET", url: config.usageURL, headers: headers)
        request.applyOverrides(config.headers)
        return request
    }

    /// `{"plan_type":"plus","rate_limit":{"primary_window":{"used_percent":42,
    /// "limit_window_seconds":18000,"reset_after_seconds":3600,"reset_at":<unix>},
    /// "secondary_window":{…}}}`. `rate_limit` must be there (without it the body is not a
    /// usage answer); a null window is one the plan does not have.
    public func parseUsage(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> [QuotaWindow] {
        let reader = try JSONObjectReader(body: body)
        guard let rateLimit = try reader.object("rate_limit") else { throw .missingField("rate_limit") }
        var windows: [QuotaWindow] = []
        for (key, name) in [("primary_window", "primary"), ("secondary_window", "secondary")] {
            guard let window = try rateLimit.object(key) else { continue }
            guard let used = try window.number("used_percent") else {
                throw .missingField(window.fieldPath("used_percent"))
            }
            windows.append(QuotaWindow(name: name, usedPercent: used, resetsAt: try Self.resetsAt(window, now: now)))
        }
        return windows
    }

    /// `reset_at` (Unix seconds) when given, else `now + reset_after_seconds`.
    private static func resetsAt(_ window: JSONObjectReader, now: Int64) throws(ProviderParseError) -> Int64? {
        if let resetAt = try window.int64("reset_at") { return resetAt }
        return try window.int64("reset_after_seconds").map { now.addingClamped($0) }
    }
}
