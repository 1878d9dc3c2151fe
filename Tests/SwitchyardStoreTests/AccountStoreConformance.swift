import SwitchyardCore
import SwitchyardStore
import XCTest

/// The contracts of `AccountStore` (stated on the protocol), checked against any backend.
/// A backend's test case creates one with its factories and runs every check, e.g.
/// `for check in AccountStoreConformance.checks { try await check.run(suite) }`, or one
/// test method per check for readable reports.
struct AccountStoreConformance: Sendable {
    /// A store on a new, empty backing (a fresh directory, a fresh schema).
    let makeStore: @Sendable () async throws -> any AccountStore
    /// Another store on the same backing as the given one, as a second process would open
    /// it: its writes are "external" to the first.
    let openPeer: @Sendable (any AccountStore) async throws -> any AccountStore

    struct Check: Sendable {
        let name: String
        let run: @Sendable (AccountStoreConformance) async throws -> Void
    }

    static let checks: [Check] = [
        Check(name: "round trip of every field") { try await $0.checkRoundTripOfEveryField() },
        Check(name: "empty store") { try await $0.checkEmptyStore() },
        Check(name: "save replaces") { try await $0.checkSaveReplaces() },
        Check(name: "saveMany") { try await $0.checkSaveMany() },
        Check(name: "remove") { try await $0.checkRemove() },
        Check(name: "invalid ids") { try await $0.checkInvalidIDs() },
        Check(name: "loadAll sorts by id") { try await $0.checkLoadAllSorts() },
        Check(name: "persists across instances") { try await $0.checkPersistsAcrossInstances() },
        Check(name: "scan ignores own writes") { try await $0.checkScanIgnoresOwnWrites() },
        Check(name: "scan sees external changes") { try await $0.checkScanSeesExternalChanges() },
        Check(name: "scan before loadAll") { try await $0.checkScanBeforeLoadAll() },
        Check(name: "saveManyIfUnchanged leaves others' changes") { try await $0.checkSaveIfUnchangedLeavesOthersChanges() },
    ]

    // MARK: - Fixtures

    /// Every field of SPEC §5 set, with unknown fields of every JSON kind.
    static func fullAccount(id: String = "codex-47af1fdf3812") -> Account {
        Account(
            id: id, provider: .codex, email: "user@example.com", label: "seat 3 — ünïcode",
            accessToken: "at-secret", refreshToken: "rt-secret", idToken: "idt-secret",
            expiresAt: 1_700_003_600, chatgptAccountId: "acc-123", chatgptUserId: "user-456",
            accountUuid: "uuid-789", projectId: "proj-1", oauthClientId: "client-1",
            oauthClientSecret: "client-secret", proxyURL: "socks5h://bob:hunter2@proxy.local:1080",
            disabled: true, disabledAt: 1_700_000_100, disabledReason: "invalid_grant (401)",
            disabledKind: .verificationRequired, refreshStatus: .failing, refreshMessage: "503 upstream",
            lastRefreshedAt: 1_699_990_000, lastRefreshAttemptAt: 1_700_000_050, refreshFailures: 3,
            nextRefreshAt: 1_700_000_900, cooldownUntil: 1_700_001_000, cooldownReason: "429",
            quota: Quota(
                checkedAt: 1_700_000_000,
                windows: [
                    QuotaWindow(name: "primary", usedPercent: 42.5, resetsAt: 1_700_018_000),
                    QuotaWindow(name: "pro", model: "gemini-2.5-pro", usedPercent: 100),
                ],
                status: "unavailable", message: "403 policy", nextCheckAt: 1_700_000_300),
            unknownFields: [
                "x_string": "s", "x_int": 9_007_199_254_740_993, "x_double": 0.25, "x_bool": true,
                "x_null": nil, "x_array": [1, "two", [3]], "x_object": ["nested": ["deep": false]],
            ])
    }

    static func simpleAccount(_ id: String, token: String = "rt") -> Account {
        Account(id: id, provider: .claude, accessToken: "at-" + token, refreshToken: token, expiresAt: 1_000)
    }

    // MARK: - Checks

    func checkRoundTripOfEveryField() async throws {
        let store = try await makeStore()
        let account = Self.fullAccount()
        try await store.save(account)
        let read = try await store.account(id: account.id)
        XCTAssertEqual(read, account, "account(id:) after save")
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded.accounts, [account], "loadAll after save")
        XCTAssertEqual(loaded.problems, [])
        let fresh = try await openPeer(store)
        let reread = try await fresh.account(id: account.id)
        XCTAssertEqual(reread, account, "another instance reads every field")
    }

    func checkEmptyStore() async throws {
        let store = try await makeStore()
        let loaded = try await store.loadAll()
        XCTAssertEqual(loaded.accounts, [])
        XCTAssertEqual(loaded.problems, [])
        let missing = try await store.account(id: "claude-000000000000")
        XCTAssertNil(missing)
        let changes = try await store.scanForChanges()
        XCTAssertTrue(changes.isEmpty)
    }

    func checkSaveReplaces() async throws {
        let store = try await makeStore()
        var account = Self.fullAccount()
        try await store.save(account)
        account.refreshToken = "rotated"
        account.quota = nil
        account.disabled = false
        account.unknownFields = ["only": 1]
        try await store.save(account)
        let read = try await store.account(id: account.id)
        XCTAssertEqual(read, account, "the second save replaces the whole account")
        let all = try await store.loadAll().accounts
        XCTAssertEqual(all.count, 1)
    }

    func checkSaveMany() async throws {
        let store = try await makeStore()
        let accounts = (0..<20).map { Self.simpleAccount("claude-\($0)", token: "t\($0)") }
        try await store.saveMany(accounts)
        try await store.saveMany([])
        let loaded = try await store.loadAll().accounts
        XCTAssertEqual(loaded.map(\.id).sorted(), accounts.map(\.id).sorted())
        for account in accounts {
            let read = try await store.account(id: account.id)
            XCTAssertEqual(read, account)
        }
    }

    func checkRemove() async throws {
        let store = try await makeStore()
        try await store.saveMany([Self.simpleAccount("claude-a"), Self.simpleAccount("claude-b")])
        let removed = try await store.remove(id: "claude-a")
        XCTAssertTrue(removed)
        let again = try await store.remove(id: "claude-a")
        XCTAssertFalse(again, "removing twice reports absence")
        let never = try await store.remove(id: "claude-never")
        XCTAssertFalse(never)
        let gone = try await store.account(id: "claude-a")
        XCTAssertNil(gone)
        let left = try await store.loadAll().accounts.map(\.id)
        XCTAssertEqual(left, ["claude-b"])
    }

    func checkInvalidIDs() async throws {
        let store = try await makeStore()
        for id in ["", "../escape", "a/b", ".hidden"] {
            do {
                try await store.save(Self.simpleAccount(id))
                XCTFail("save accepted id \"\(id)\"")
            } catch {}
            let read = try await store.account(id: id)
            XCTAssertNil(read)
        }
        let all = try await store.loadAll().accounts
        XCTAssertEqual(all, [])
    }

    func checkLoadAllSorts() async throws {
        let store = try await makeStore()
        for id in ["gemini-b", "claude-z", "codex-m", "claude-a"] {
            try await store.save(Self.simpleAccount(id))
        }
        let ids = try await store.loadAll().accounts.map(\.id)
        XCTAssertEqual(ids, ["claude-a", "claude-z", "codex-m", "gemini-b"])
    }

    func checkPersistsAcrossInstances() async throws {
        let store = try await makeStore()
        try await store.saveMany([Self.fullAccount(), Self.simpleAccount("claude-a")])
        try await store.remove(id: "claude-a")
        let peer = try await openPeer(store)
        let loaded = try await peer.loadAll()
        XCTAssertEqual(loaded.accounts, [Self.fullAccount()])
    }

    func checkScanIgnoresOwnWrites() async throws {
        let store = try await makeStore()
        _ = try await store.loadAll()
        try await store.save(Self.simpleAccount("claude-a"))
        try await store.saveMany([Self.simpleAccount("claude-b"), Self.simpleAccount("claude-c")])
        var changed = Self.simpleAccount("claude-a", token: "rotated")
        changed.label = "x"
        try await store.save(changed)
        try await store.remove(id: "claude-b")
        let changes = try await store.scanForChanges()
        XCTAssertEqual(changes, StoreChanges(), "own writes are not reported back")
    }

    func checkScanSeesExternalChanges() async throws {
        let store = try await makeStore()
        try await store.saveMany([Self.simpleAccount("claude-keep"), Self.simpleAccount("claude-edit"),
                                  Self.simpleAccount("claude-gone")])
        _ = try await store.loadAll()
        let other = try await openPeer(store)
        let added = Self.fullAccount()
        var edited = Self.simpleAccount("claude-edit", token: "rotated-elsewhere")
        edited.unknownFields = ["note": "from the other writer"]
        try await other.save(added)
        try await other.save(edited)
        try await other.remove(id: "claude-gone")

        let changes = try await store.scanForChanges()
        XCTAssertEqual(changes.upserted, [edited, added], "added and changed accounts, sorted by id")
        XCTAssertEqual(changes.removedIDs, ["claude-gone"])
        XCTAssertEqual(changes.problems, [])
        let quiet = try await store.scanForChanges()
        XCTAssertTrue(quiet.isEmpty, "a second scan reports nothing new")
    }

    func checkScanBeforeLoadAll() async throws {
        let store = try await makeStore()
        try await store.save(Self.simpleAccount("claude-a"))
        let fresh = try await openPeer(store)
        let changes = try await fresh.scanForChanges()
        XCTAssertEqual(changes.upserted, [Self.simpleAccount("claude-a")])
        XCTAssertEqual(changes.removedIDs, [])
    }

    func checkSaveIfUnchangedLeavesOthersChanges() async throws {
        let store = try await makeStore()
        try await store.saveMany(["claude-mine", "claude-edit", "claude-gone"].map { Self.simpleAccount($0) })
        let other = try await openPeer(store)
        var edited = Self.simpleAccount("claude-edit", token: "imported-by-hand")
        edited.label = "hand edit"
        try await other.save(edited)
        try await other.remove(id: "claude-gone")
        try await other.save(Self.simpleAccount("claude-new", token: "made-elsewhere"))

        let ours = ["claude-mine", "claude-edit", "claude-gone", "claude-new", "claude-fresh"]
            .map { Self.simpleAccount($0, token: "stale-computation") }
        let left = try await store.saveManyIfUnchanged(ours)
        XCTAssertEqual(Set(left), ["claude-edit", "claude-gone", "claude-new"], "what another writer touched is left alone")
        let handEdited = try await store.account(id: "claude-edit")
        XCTAssertEqual(handEdited, edited, "the hand edit is not overwritten")
        let gone = try await store.account(id: "claude-gone")
        XCTAssertNil(gone, "a removed account is not brought back")
        let madeElsewhere = try await store.account(id: "claude-new")
        XCTAssertEqual(madeElsewhere, Self.simpleAccount("claude-new", token: "made-elsewhere"))
        let mine = try await store.account(id: "claude-mine")
        XCTAssertEqual(mine, Self.simpleAccount("claude-mine", token: "stale-computation"))
        let fresh = try await store.account(id: "claude-fresh")
        XCTAssertEqual(fresh, Self.simpleAccount("claude-fresh", token: "stale-computation"),
                       "an id nobody has written is created")

        // Once the change is taken in, a write computed from it goes through.
        let changes = try await store.scanForChanges()
        XCTAssertEqual(changes.upserted.map(\.id), ["claude-edit", "claude-new"])
        XCTAssertEqual(changes.removedIDs, ["claude-gone"])
        var recomputed = edited
        recomputed.refreshToken = "rotated-after-the-edit"
        let again = try await store.saveManyIfUnchanged([recomputed])
        XCTAssertEqual(again, [])
        let stored = try await store.account(id: "claude-edit")
        XCTAssertEqual(stored, recomputed)
        let quiet = try await store.scanForChanges()
        XCTAssertTrue(quiet.isEmpty, "own conditional writes are not reported back")
    }
}
