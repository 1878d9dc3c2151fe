/// Account ids (SPEC §5): `<provider>-` + the first 12 lowercase hex digits of sha256 over
/// the UTF-8 identity string. The id names the account's file, so it is stable (it never
/// changes once the file exists), safe as a file name, and never reveals an e-mail.
public enum AccountID {
    /// `<provider>-<12 hex>` for an identity string (as `identity(for:)` builds it).
    public static func derive(provider: Provider, identity: String) -> String {
        let digest = SHA256.hash(identity.utf8)
        return provider.rawValue + "-" + SHA256.hex(digest.prefix(6))
    }

    /// The identity string an id is derived from, per provider, first one known:
    /// - codex: `chatgpt_account_id:chatgpt_user_id` (both needed: one ChatGPT user has
    ///   several workspaces, one workspace several users);
    /// - claude: `account_uuid`, else the e-mail;
    /// - gemini: the Google `sub`, which the account model does not carry, so the e-mail;
    /// - any provider, when none of those is known: the refresh token.
    /// E-mails are trimmed and lowercased. Empty strings count as unknown. Nil when nothing
    /// identifies the account (no identity field and no refresh token).
    public static func identity(for account: Account) -> String? {
        switch account.provider {
        case .codex:
            if let accountID = nonEmpty(account.chatgptAccountId),
                let userID = nonEmpty(account.chatgptUserId)
            {
                return accountID + ":" + userID
            }
        case .claude:
            if let uuid = nonEmpty(account.accountUuid) { return uuid }
            if let email = normalizedEmail(account.email) { return email }
        case .gemini:
            if let email = normalizedEmail(account.email) { return email }
        }
        return nonEmpty(account.refreshToken)
    }

    /// An e-mail as identities compare it: trimmed of whitespace and lowercased; nil when
    /// absent or blank.
    public static func normalizedEmail(_ email: String?) -> String? {
        guard let email else { return nil }
        let trimmed = email.trimmingWhitespace().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Whether `id` can name an account file: 1–128 ASCII letters, digits, `.`, `_` or `-`,
    /// not starting with `.` (no hidden files, no `..`, no path separators). Derived ids
    /// always pass; the check guards ids read from files, imports and API calls.
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count), bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

extension String {
    /// Without leading and trailing whitespace and newlines (no Foundation needed).
    fileprivate func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
