/// Outcome of the last refresh attempt (`refresh_status`, SPEC §5).
public enum RefreshStatus: String, Codable, Sendable, CaseIterable {
    case ok
    /// Transient failure: backing off, the account stays in the pool while its token is valid.
    case failing
    /// Permanent failure: the account was disabled (SPEC §6.1).
    case failed
}
