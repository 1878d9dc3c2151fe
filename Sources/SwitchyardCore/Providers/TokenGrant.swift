/// What a successful token-endpoint answer (refresh or code exchange) yields, already reduced
/// to the account-file fields it touches (SPEC §5).
///
/// `nil` means "the response did not say": the caller keeps the stored value. That matters most
/// for `refreshToken`: Gemini's never rotates and Claude's may be omitted, and in both cases
/// the stored refresh token must stay (PROVIDERS.md). Never log a grant: it holds tokens.
public struct TokenGrant: Sendable, Equatable {
    public var accessToken: String
    /// The rotated refresh token; nil when the response carried none (keep the old one).
    public var refreshToken: String?
    public var idToken: String?
    /// Unix seconds: `now + expires_in` of the response.
    public var expiresAt: Int64?
    /// Claude: `account.uuid`.
    public var accountUUID: String?
    /// Claude: `account.email_address`; Codex and Gemini: the id_token's `email` claim.
    public var email: String?
    /// Codex: from the id_token's `https://api.openai.com/auth` claim.
    public var chatgptAccountID: String?
    public var chatgptUserID: String?

    public init(
        accessToken: String, refreshToken: String? = nil, idToken: String? = nil,
        expiresAt: Int64? = nil, accountUUID: String? = nil, email: String? = nil,
        chatgptAccountID: String? = nil, chatgptUserID: String? = nil
    ) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.expiresAt = expiresAt
        self.accountUUID = accountUUID
        self.email = email
        self.chatgptAccountID = chatgptAccountID
        self.chatgptUserID = chatgptUserID
    }
}
