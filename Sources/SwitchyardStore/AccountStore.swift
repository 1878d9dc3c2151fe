import SwitchyardCore

/// Where accounts live (SPEC §5). The supervisor owns one store; with no supervisor running
/// the CLI opens one directly. Backends: `FileAccountStore` (one JSON file per account); a
/// PostgreSQL backend later. Every backend passes the same conformance suite
/// (`Tests/SwitchyardStoreTests/AccountStoreConformance.swift`).
///
/// Contracts every backend keeps:
/// - **Every field persists.** What `save` stores, `account(id:)`/`loadAll` return equal
///   (`==`), including `quota` and `unknownFields`.
/// - **Durable on return.** When `save`, `saveMany` or `remove` returns, the change survives
///   a crash or power loss (the supervisor acknowledges refresh results only after it, §1).
/// - **Atomic per account.** A reader (or a crash) sees an account's old version or its new
///   one, never a mix; `saveMany` is atomic per account, not across accounts.
/// - **Unusable records are left alone.** A record the store cannot read is reported as a
///   `StoreProblem`, never repaired, rewritten or deleted — `save` and `remove` refuse to
///   touch it (they throw) rather than destroy what an operator may still recover.
/// - **Ids are stable.** The store never invents or changes ids; `save` rejects an id
///   `AccountID.isValid` refuses.
/// - **Change detection sees others, not itself.** `scanForChanges` reports what other
///   writers (another process, an operator's editor, another store instance on the same
///   backing) did since this instance's last `loadAll` or scan, and not this instance's own
///   `save`/`saveMany`/`remove`.
/// Methods may block on I/O; they never run on the caller's executor for long (backends
/// do their I/O off the cooperative thread pool where it can block).
public protocol AccountStore: Sendable {
    /// Every readable account (sorted by id) and every problem (sorted by file). Resets the
    /// baseline `scanForChanges` compares against.
    func loadAll() async throws -> (accounts: [Account], problems: [StoreProblem])

    /// The account stored under `id`, read fresh from the backing; nil when there is none
    /// (or `id` is not a valid account id). Throws when the record exists but cannot be
    /// read. Does not move the `scanForChanges` baseline.
    func account(id: String) async throws -> Account?

    /// Creates or replaces the account stored under `account.id`, atomically and durably.
    /// Throws (and writes nothing) for an invalid id or when the existing record is
    /// unusable (a problem).
    func save(_ account: Account) async throws

    /// `save` for several accounts, letting a backend batch its syncs (one directory fsync,
    /// one transaction). Every account is validated before anything is written; when a
    /// write fails part-way, the accounts written so far stay written and durable.
    func saveMany(_ accounts: [Account]) async throws

    /// `saveMany` for a writer that computed each account from this instance's view of it
    /// (the supervisor): a record another writer changed, removed, created or broke since
    /// this instance last read or wrote it is left as it is, and its id returned. The caller
    /// takes the change in (`scanForChanges`) and computes again, so a hand edit made while a
    /// refresh result was being stored is neither lost nor overwritten with stale tokens.
    /// The others are written as `saveMany` writes them.
    func saveManyIfUnchanged(_ accounts: [Account]) async throws -> [String]

    /// Deletes the account stored under `id`, durably. Returns false when there was none.
    /// Throws (and deletes nothing) when the record is unusable (a problem).
    @discardableResult
    func remove(id: String) async throws -> Bool

    /// What changed since this instance's last `loadAll` or scan, made by other writers
    /// (see the contract above). Before any `loadAll`, everything present counts as added.
    /// Called every 2 s by the supervisor (SPEC §2), so unchanged records must cost little.
    func scanForChanges() async throws -> StoreChanges

    /// Hints of which records changed, when the backend can tell (the file store watches its
    /// directory): the supervisor then scans just those. nil: the backend cannot; poll.
    /// (No default implementations: an actor's own method must never lose to one.)
    func changeHints() async -> AsyncStream<StoreChangeHint>?

    /// `scanForChanges` narrowed to what a hint names.
    func scanForChanges(_ hint: StoreChangeHint) async throws -> StoreChanges
}

/// What changed, as far as a backend can tell without looking at every record.
public enum StoreChangeHint: Sendable, Equatable {
    /// These records (file names for the file store) changed, appeared or went away.
    case records(Set<String>)
    /// Anything may have changed (the hint stream lost events): look at everything.
    case everything
}

