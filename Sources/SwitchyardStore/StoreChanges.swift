import SwitchyardCore

/// What `AccountStore.scanForChanges()` found changed by someone other than this store
/// instance since its previous `loadAll()` or scan.
public struct StoreChanges: Sendable, Equatable {
    /// Accounts added or changed (the full current account each), sorted by id.
    public var upserted: [Account]
    /// Ids that no longer name a readable account (deleted, or turned malformed), sorted.
    public var removedIDs: [String]
    /// Every problem the store has now (not only new ones), sorted by file: the caller can
    /// replace its list wholesale.
    public var problems: [StoreProblem]

    public init(upserted: [Account] = [], removedIDs: [String] = [], problems: [StoreProblem] = []) {
        self.upserted = upserted
        self.removedIDs = removedIDs
        self.problems = problems
    }

    /// True when no account was added, changed or removed (problems may still exist).
    public var isEmpty: Bool { upserted.isEmpty && removedIDs.isEmpty }
}
