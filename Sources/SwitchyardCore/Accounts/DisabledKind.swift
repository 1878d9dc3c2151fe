/// Why an account is disabled (`disabled_kind`, SPEC §5). The kind tells the operator what
/// restores the account, so it is kept apart from the free-text `disabled_reason`.
public enum DisabledKind: String, Codable, Sendable, CaseIterable {
    /// The credentials are dead; a new login or import restores the account.
    case reauthRequired = "reauth_required"
    /// The upstream account is suspended or deleted.
    case deactivated
    /// The owner must verify the account with the provider.
    case verificationRequired = "verification_required"
    /// An operator disabled it (`accounts disable`); `operator` is a Swift keyword.
    case byOperator = "operator"
}
