/// Claude Code OAuth (PROVIDERS.md "Claude").
///
/// Refresh: JSON `{grant_type, refresh_token, client_id}`; the answer's `account` names the
/// account (`uuid`, `email_address`), which is Claude's identity (SPEC §5). The refresh token
/// rotates, but an answer without one keeps the stored token (`refreshToken` nil).
/// Usage: `GET` with the OAuth beta header; every top-level member that is an object with a
/// numeric `utilization` is a window (`five_hour`, `seven_day`, `seven_day_opus`, …).
public struct ClaudeAdapter: ProviderAdapter {
    /// Claude's OAuth endpoints answer only with this beta flag set.
    public static let oauthBeta = "oauth-2025-04-20"

    /// Windows in this order come first; any other window follows sorted by name, so the
    /// listing is stable whatever order the upstream (or the JSON parser) yields.
    static let primaryWindows = ["five_hour", "seven_day"]

    public init() {}

    public var provider: Provider { .claude }

    public func refreshRequest(
        refreshToken: String, clientID: String, clientSecret: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        let body: JSONValue = [
            "grant_type": "refresh_token",
            "refresh_token": .string(refreshToken),
            "client_id": .string(clientID),
        ]
        var request = UpstreamRequest(
            method: "POST", url: config.tokenURL,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
            body: body.requestBody)
        request.applyOverrides(config.headers)
        return request
    }

    public func parseTokenResponse(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> TokenGrant {
        let response = try OAuthTokenResponse(body: body, now: now)
        var grant = response.grant
        if let account = response.reader.value("account")?.objectValue {
            grant.accountUUID = account["uuid"]?.stringValue
            grant.email = account["email_address"]?.stringValue
        }
        return grant
    }

    public func usageRequest(
        accessToken: String, chatgptAccountID: String?, projectID: String?, config: ProviderConfig
    ) -> UpstreamRequest {
        var request = UpstreamRequest(
            method: "GET", url: config.usageURL,
            headers: [
                ("Authorization", "Bearer " + accessToken),
                ("anthropic-beta", Self.oauthBeta),
                ("Accept", "application/json"),
            ])
        request.applyOverrides(config.headers)
        return request
    }

    /// `{"five_hour":{"utilization":37.0,"resets_at":"…"},"seven_day":{…},"seven_day_opus":null,
    /// "extra_usage":{"is_enabled":false,"utilization":null,…}}`: null members and objects
    /// whose `utilization` is null are not windows (a window the plan lacks).
    public func parseUsage(_ body: [UInt8], now: Int64) throws(ProviderParseError) -> [QuotaWindow] {
        let reader = try JSONObjectReader(body: body)
        let others = reader.members.keys.filter { !Self.primaryWindows.contains($0) }.sorted()
        var windows: [QuotaWindow] = []
        for name in Self.primaryWindows + others {
            guard case .object(let members)? = reader.value(name), members["utilization"] != nil else { continue }
            let window = JSONObjectReader(members: members, path: name)
            guard let utilization = try window.number("utilization") else { continue }
            let resetsAt = try window.timestamp("resets_at")
            windows.append(QuotaWindow(name: name, usedPercent: utilization, resetsAt: resetsAt))
        }
        return windows
    }
}
