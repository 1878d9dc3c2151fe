extension Account {
    /// The "A" object of SPEC §5, what listings, `accounts show` and the management API
    /// print: every known field that has a value (`disabled` always), never `schema` or
    /// unknown fields, never `access_token`, `refresh_token`, `id_token` or
    /// `oauth_client_secret`; `proxy_url` with its user:password masked; plus `"state"`
    /// derived at `now`.
    public func publicView(now: Int64) -> JSONValue {
        var members = AccountFileCodec.knownMembers(of: self)
        for field in AccountField.allCases where field.isSecret {
            members.removeValue(forKey: field.rawValue)
        }
        if var quota, !quota.otherMembers.isEmpty {
            quota.otherMembers = [:]  // A shows no unknown fields, nested ones included
            members[AccountField.quota.rawValue] = quota.jsonValue
        }
        if let proxyURL {
            members[AccountField.proxyURL.rawValue] = .string(Self.maskedProxyURL(proxyURL))
        }
        members["state"] = .string(state(now: now).rawValue)
        return .object(members)
    }

    /// The proxy URL with any credentials replaced by `***`:
    /// `socks5://user:pw@host:1080` → `socks5://***@host:1080`. Without an `@` it is
    /// returned unchanged. Everything between the scheme and the *last* `@` is masked, even
    /// past a `/`, `?` or `#`: a proxy URL has no use for them, but an unencoded password
    /// may contain any of them, and a leaked secret costs more than an over-masked path.
    /// A value without a scheme is treated as a bare authority (`u:pw@host` → `***@host`).
    public static func maskedProxyURL(_ url: String) -> String {
        let authorityStart = url.range(of: "://")?.upperBound ?? url.startIndex
        guard let at = url[authorityStart...].lastIndex(of: "@") else { return url }
        return url[..<authorityStart] + "***" + url[at...]
    }
}
