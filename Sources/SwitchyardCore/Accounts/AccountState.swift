/// What an account can do right now, derived from its fields and the clock (never stored).
/// See `Account.state(now:)` for the order in which the fields decide it (SPEC §5).
public enum AccountState: String, Codable, Sendable, CaseIterable {
    case active
    case cooling
    case expired
    case failing
    case disabled
}
