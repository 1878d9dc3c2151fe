import SwitchyardCore

/// Which account store a configuration asks for, and whether this build has it.
///
/// SPEC §3 names `store: postgres`, but its backend is not built yet. Running on the file
/// store while the operator believes the accounts live in PostgreSQL would split them between
/// two places, so such a configuration is refused where a store is opened — the supervisor's
/// start and the CLI's offline account commands — with the reason.
public enum StoreBackend {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description = "store: postgres is not available in this version of switchyard; use store: file"
    }

    public static func checkAvailable(_ config: SwitchyardConfig) throws {
        if config.store == .postgres { throw Unavailable() }
    }
}
