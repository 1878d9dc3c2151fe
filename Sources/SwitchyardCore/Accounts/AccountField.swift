/// The JSON member names of an account file (SPEC §5), one per `Account` property.
/// The codec and the public view both go through this list, so a field added here is
/// read, written and shown (or deliberately hidden, `isSecret`) in one place.
enum AccountField: String, CaseIterable, Sendable {
    case id, provider, email, label
    case accessToken = "access_token"
    case refreshToken = "refresh_token"
    case idToken = "id_token"
    case expiresAt = "expires_at"
    case chatgptAccountId = "chatgpt_account_id"
    case chatgptUserId = "chatgpt_user_id"
    case accountUuid = "account_uuid"
    case projectId = "project_id"
    case oauthClientId = "oauth_client_id"
    case oauthClientSecret = "oauth_client_secret"
    case proxyURL = "proxy_url"
    case disabled
    case disabledAt = "disabled_at"
    case disabledReason = "disabled_reason"
    case disabledKind = "disabled_kind"
    case refreshStatus = "refresh_status"
    case refreshMessage = "refresh_message"
    case lastRefreshedAt = "last_refreshed_at"
    case lastRefreshAttemptAt = "last_refresh_attempt_at"
    case refreshFailures = "refresh_failures"
    case nextRefreshAt = "next_refresh_at"
    case cooldownUntil = "cooldown_until"
    case cooldownReason = "cooldown_reason"
    case quota

    /// The file-format version member; written by the codec, never kept as an unknown field.
    static let schemaKey = "schema"

    /// Credentials that no listing, log or API response may show (SPEC §5 "A", §9).
    var isSecret: Bool {
        switch self {
        case .accessToken, .refreshToken, .idToken, .oauthClientSecret: return true
        default: return false
        }
    }

    /// True for every name the codec owns: known fields and `schema`.
    static func isKnown(_ key: String) -> Bool {
        key == schemaKey || AccountField(rawValue: key) != nil
    }
}
