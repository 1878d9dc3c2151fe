import Foundation

/// Reads and writes the account file format (SPEC §5, `"schema": 1`).
///
/// Decoding is strict about the fields it knows (a wrong type is an error, never silently
/// dropped: the file would otherwise lose data on the next rewrite) and keeps every other
/// member in `Account.unknownFields`. Encoding is stable: sorted keys, two-space indent,
/// a trailing newline, so rewriting an unchanged account yields identical bytes.
public enum AccountFileCodec {
    /// The only `schema` this code reads and writes.
    public static let schemaVersion: Int64 = 1

    /// Parses an account file. `fileName` is used only in the error.
    public static func decode(_ data: Data, fileName: String) throws(AccountFileError) -> Account {
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw AccountFileError(fileName: fileName, reason: .notJSON)
        }
        guard case .object(let members) = value else {
            throw AccountFileError(fileName: fileName, reason: .notAnObject)
        }
        return try decode(object: members, fileName: fileName)
    }

    /// Reads an account from an already parsed object (e.g. embedded in a message).
    public static func decode(
        object members: [String: JSONValue], fileName: String
    ) throws(AccountFileError) -> Account {
        let reader = FieldReader(members: members, fileName: fileName)
        try reader.checkSchema()
        let account = try reader.account()
        guard account.hasTokens else {
            throw AccountFileError(fileName: fileName, reason: .lacksTokens)
        }
        return account
    }

    /// The file bytes: `jsonObject(for:)` pretty printed with sorted keys, plus a newline.
    public static func encode(_ account: Account) -> Data {
        var data = JSONValue.object(jsonObject(for: account)).serialized(pretty: true, sortedKeys: true)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The whole file object: unknown fields, every non-nil known field, `"schema": 1`.
    /// A known name found in `unknownFields` is ignored (the typed property owns it).
    public static func jsonObject(for account: Account) -> [String: JSONValue] {
        var members = account.unknownFields.filter { !AccountField.isKnown($0.key) }
        members.merge(knownMembers(of: account), uniquingKeysWith: { _, known in known })
        members[AccountField.schemaKey] = .int(schemaVersion)
        return members
    }

    /// Every known field that has a value (`disabled` always). Shared with `publicView`.
    static func knownMembers(of account: Account) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(AccountField.allCases.count)
        func put(_ field: AccountField, _ value: String?) {
            if let value { members[field.rawValue] = .string(value) }
        }
        func put(_ field: AccountField, _ value: Int64?) {
            if let value { members[field.rawValue] = .int(value) }
        }
        put(.id, account.id)
        put(.provider, account.provider.rawValue)
        put(.email, account.email)
        put(.label, account.label)
        put(.accessToken, account.accessToken)
        put(.refreshToken, account.refreshToken)
        put(.idToken, account.idToken)
        put(.expiresAt, account.expiresAt)
        put(.chatgptAccountId, account.chatgptAccountId)
        put(.chatgptUserId, account.chatgptUserId)
        put(.accountUuid, account.accountUuid)
        put(.projectId, account.projectId)
        put(.oauthClientId, account.oauthClientId)
        put(.oauthClientSecret, account.oauthClientSecret)
        put(.proxyURL, account.proxyURL)
        members[AccountField.disabled.rawValue] = .bool(account.disabled)
        put(.disabledAt, account.disabledAt)
        put(.disabledReason, account.disabledReason)
        put(.disabledKind, account.disabledKind?.rawValue)
        put(.refreshStatus, account.refreshStatus?.rawValue)
        put(.refreshMessage, account.refreshMessage)
        put(.lastRefreshedAt, account.lastRefreshedAt)
        put(.lastRefreshAttemptAt, account.lastRefreshAttemptAt)
        put(.refreshFailures, account.refreshFailures.map(Int64.init))
        put(.nextRefreshAt, account.nextRefreshAt)
        put(.cooldownUntil, account.cooldownUntil)
        put(.cooldownReason, account.cooldownReason)
        if let quota = account.quota { members[AccountField.quota.rawValue] = quota.jsonValue }
        return members
    }
}

/// Typed, error-reporting access to the members of one account object. A member that is
/// absent or `null` reads as nil; any other type mismatch is an `invalidField` error.
private struct FieldReader {
    let members: [String: JSONValue]
    let fileName: String

    func fail(_ reason: AccountFileError.Reason) -> AccountFileError {
        AccountFileError(fileName: fileName, reason: reason)
    }

    func checkSchema() throws(AccountFileError) {
        guard let schema = members[AccountField.schemaKey] else { return }
        guard schema.int64Value == AccountFileCodec.schemaVersion else {
            let found = String(decoding: schema.serialized(), as: UTF8.self)
            throw fail(.unsupportedSchema(found))
        }
    }

    func account() throws(AccountFileError) -> Account {
        guard let id = try string(.id) else { throw fail(.missingField("id")) }
        guard AccountID.isValid(id) else { throw fail(.invalidID(id)) }
        guard let providerName = try string(.provider) else { throw fail(.missingField("provider")) }
        guard let provider = Provider(rawValue: providerName) else {
            throw fail(.unknownProvider(providerName))
        }
        return Account(
            id: id, provider: provider, email: try string(.email), label: try string(.label),
            accessToken: try string(.accessToken), refreshToken: try string(.refreshToken),
            idToken: try string(.idToken), expiresAt: try int64(.expiresAt),
            chatgptAccountId: try string(.chatgptAccountId),
            chatgptUserId: try string(.chatgptUserId), accountUuid: try string(.accountUuid),
            projectId: try string(.projectId), oauthClientId: try string(.oauthClientId),
            oauthClientSecret: try string(.oauthClientSecret), proxyURL: try string(.proxyURL),
            disabled: try bool(.disabled) ?? false, disabledAt: try int64(.disabledAt),
            disabledReason: try string(.disabledReason),
            disabledKind: try enumeration(.disabledKind, DisabledKind.self),
            refreshStatus: try enumeration(.refreshStatus, RefreshStatus.self),
            refreshMessage: try string(.refreshMessage),
            lastRefreshedAt: try int64(.lastRefreshedAt),
            lastRefreshAttemptAt: try int64(.lastRefreshAttemptAt),
            refreshFailures: try int64(.refreshFailures).map { Int(truncatingIfNeeded: $0) },
            nextRefreshAt: try int64(.nextRefreshAt), cooldownUntil: try int64(.cooldownUntil),
            cooldownReason: try string(.cooldownReason), quota: try quota(),
            unknownFields: members.filter { !AccountField.isKnown($0.key) })
    }

    private func member(_ field: AccountField) -> JSONValue? {
        guard let value = members[field.rawValue], value != .null else { return nil }
        return value
    }

    private func string(_ field: AccountField) throws(AccountFileError) -> String? {
        guard let value = member(field) else { return nil }
        guard let text = value.stringValue else {
            throw fail(.invalidField(field.rawValue, expected: "a string"))
        }
        return text
    }

    private func int64(_ field: AccountField) throws(AccountFileError) -> Int64? {
        guard let value = member(field) else { return nil }
        guard let number = value.int64Value else {
            throw fail(.invalidField(field.rawValue, expected: "an integer"))
        }
        return number
    }

    private func bool(_ field: AccountField) throws(AccountFileError) -> Bool? {
        guard let value = member(field) else { return nil }
        guard let flag = value.boolValue else {
            throw fail(.invalidField(field.rawValue, expected: "true or false"))
        }
        return flag
    }

    private func enumeration<E: RawRepresentable & CaseIterable>(
        _ field: AccountField, _ type: E.Type
    ) throws(AccountFileError) -> E? where E.RawValue == String {
        guard let value = member(field) else { return nil }
        guard let name = value.stringValue, let result = E(rawValue: name) else {
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail(.invalidField(field.rawValue, expected: "one of \(names)"))
        }
        return result
    }

    private func quota() throws(AccountFileError) -> Quota? {
        guard let value = member(.quota) else { return nil }
        guard let quota = Quota(jsonValue: value) else {
            throw fail(.invalidField("quota", expected:
                "{checked_at, windows: [{name, model?, used_percent, resets_at}], status, message, next_check_at}"))
        }
        return quota
    }
}
