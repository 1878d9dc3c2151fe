/// What an import or re-login did to the store (SPEC §2 `accounts import` output, §6.9).
public enum ImportOutcome: Equatable, Sendable {
    /// No existing account matched: this new account is to be stored.
    case imported(Account)
    /// An existing account took the incoming tokens: this merged account is to be stored.
    case updated(Account)
    /// An existing account matched and keeps its own, newer tokens: nothing to store.
    case unchanged(Account)

    /// The account to store (imported, updated) or the stored one (unchanged).
    public var account: Account {
        switch self {
        case .imported(let account), .updated(let account), .unchanged(let account):
            return account
        }
    }
}

/// The pure rules of re-login and import (SPEC §6.9); the caller reads the store, calls
/// `merge`, and writes `imported`/`updated` results.
///
/// Matching (same provider only), first rule that finds an account wins:
/// 1. the incoming id, when given (non-empty);
/// 2. the same identity fields — codex: `chatgpt_account_id` and `chatgpt_user_id`;
///    claude: `account_uuid` when both have one, else the e-mail; gemini: the e-mail
///    (e-mails trimmed, case-insensitive);
/// 3. the same current access token or refresh token;
/// 4. the id the incoming account would get (`AccountID`), so an account identified only by
///    its first refresh token is found even after that token rotated away.
///
/// An existing account takes the incoming tokens when they are newer (the incoming
/// `expires_at` is later, or the stored one is unknown) or when it is disabled or its
/// `refresh_status` is `failing`/`failed`; everything else keeps the stored tokens, so an
/// old credential file never overwrites a rotated token.
public enum AccountImport {
    public static func merge(incoming: Account, existing: [Account]) -> ImportOutcome {
        guard let stored = match(for: incoming, in: existing) else {
            var account = incoming
            account.id = assignedID(for: incoming)
            return .imported(account)
        }
        guard takesIncomingTokens(incoming: incoming, stored: stored) else {
            return .unchanged(stored)
        }
        let merged = replacingTokens(of: stored, with: incoming)
        return merged == stored ? .unchanged(stored) : .updated(merged)
    }

    /// The existing account `incoming` refers to, by the matching rules above.
    public static func match(for incoming: Account, in existing: [Account]) -> Account? {
        let candidates = existing.lazy.filter { $0.provider == incoming.provider }
        if !incoming.id.isEmpty, let byID = candidates.first(where: { $0.id == incoming.id }) {
            return byID
        }
        if let byIdentity = candidates.first(where: { sameIdentity($0, incoming) }) {
            return byIdentity
        }
        if let byToken = candidates.first(where: { sharesToken($0, incoming) }) {
            return byToken
        }
        let derived = assignedID(for: incoming)
        return candidates.first(where: { $0.id == derived })
    }

    /// The given id, else one derived from the identity, else (an account with nothing but
    /// an access token) from that token.
    static func assignedID(for account: Account) -> String {
        if !account.id.isEmpty { return account.id }
        let identity = AccountID.identity(for: account) ?? account.accessToken ?? ""
        return AccountID.derive(provider: account.provider, identity: identity)
    }

    static func sameIdentity(_ a: Account, _ b: Account) -> Bool {
        switch a.provider {
        case .codex:
            guard let account = nonEmpty(a.chatgptAccountId), let user = nonEmpty(a.chatgptUserId) else {
                return false
            }
            return account == b.chatgptAccountId && user == b.chatgptUserId
        case .claude:
            if let uuidA = nonEmpty(a.accountUuid), let uuidB = nonEmpty(b.accountUuid) {
                return uuidA == uuidB
            }
            return sameEmail(a, b)
        case .gemini:
            return sameEmail(a, b)
        }
    }

    private static func sameEmail(_ a: Account, _ b: Account) -> Bool {
        guard let emailA = AccountID.normalizedEmail(a.email) else { return false }
        return emailA == AccountID.normalizedEmail(b.email)
    }

    private static func sharesToken(_ a: Account, _ b: Account) -> Bool {
        if let access = nonEmpty(a.accessToken), access == b.accessToken { return true }
        if let refresh = nonEmpty(a.refreshToken), refresh == b.refreshToken { return true }
        return false
    }

    static func takesIncomingTokens(incoming: Account, stored: Account) -> Bool {
        if stored.disabled || stored.refreshStatus == .failing || stored.refreshStatus == .failed {
            return true
        }
        guard let incomingExpiry = incoming.expiresAt else { return false }
        guard let storedExpiry = stored.expiresAt else { return true }
        return incomingExpiry > storedExpiry
    }

    /// `stored` with the incoming credentials and identity, its failure state cleared.
    /// Kept from `stored`: id, label (unless it has none), unknown fields (incoming ones are
    /// added where `stored` has no such key), quota and refresh history timestamps.
    static func replacingTokens(of stored: Account, with incoming: Account) -> Account {
        var account = stored
        if let access = nonEmpty(incoming.accessToken) {
            account.accessToken = access
            account.expiresAt = incoming.expiresAt
        }
        if let refresh = nonEmpty(incoming.refreshToken) {
            account.refreshToken = refresh
            // The OAuth client is bound to the refresh token it issued.
            account.oauthClientId = incoming.oauthClientId
            account.oauthClientSecret = incoming.oauthClientSecret
        }
        account.idToken = incoming.idToken ?? stored.idToken
        account.email = incoming.email ?? stored.email
        account.chatgptAccountId = incoming.chatgptAccountId ?? stored.chatgptAccountId
        account.chatgptUserId = incoming.chatgptUserId ?? stored.chatgptUserId
        account.accountUuid = incoming.accountUuid ?? stored.accountUuid
        account.projectId = incoming.projectId ?? stored.projectId
        account.proxyURL = incoming.proxyURL ?? stored.proxyURL
        account.label = stored.label ?? incoming.label
        account.unknownFields.merge(incoming.unknownFields, uniquingKeysWith: { kept, _ in kept })

        account.disabled = false
        account.disabledAt = nil
        account.disabledReason = nil
        account.disabledKind = nil
        account.refreshStatus = nil
        account.refreshMessage = nil
        account.refreshFailures = nil
        account.nextRefreshAt = nil
        account.cooldownUntil = nil
        account.cooldownReason = nil
        return account
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
