/// An account file (or record) the store cannot use: shown in `status` as
/// `{"file", "error"}` (SPEC §2) and logged. The store never modifies or deletes it.
public struct StoreProblem: Codable, Sendable, Equatable, Hashable {
    /// The file's name in accounts-dir (e.g. `codex-0123456789ab.json`), not its path.
    public var file: String
    /// A one-line reason, e.g. `lacks tokens (no access_token and no refresh_token)`.
    public var error: String

    public init(file: String, error: String) {
        self.file = file
        self.error = error
    }
}
