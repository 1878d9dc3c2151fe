import XCTest

@testable import SwitchyardCore

final class AccountImportTests: XCTestCase {
    private enum Expect: Equatable {
        case imported(id: String)
        case updated(id: String)
        case unchanged(id: String)
    }

    private func kind(_ outcome: ImportOutcome) -> Expect {
        switch outcome {
        case .imported(let account): return .imported(id: account.id)
        case .updated(let account): return .updated(id: account.id)
        case .unchanged(let account): return .unchanged(id: account.id)
        }
    }

    /// A healthy stored account per provider; expires at 2000.
    private let codex = Account(
        id: "codex-stored", provider: .codex, accessToken: "at-c", refreshToken: "rt-c", expiresAt: 2_000,
        chatgptAccountId: "acc", chatgptUserId: "usr")
    private let claude = Account(
        id: "claude-stored", provider: .claude, email: "Owner@Example.com", accessToken: "at-a",
        refreshToken: "rt-a", expiresAt: 2_000, accountUuid: "uuid-a")
    private let gemini = Account(
        id: "gemini-stored", provider: .gemini, email: "g@gmail.com", accessToken: "at-g",
        refreshToken: "rt-g", expiresAt: 2_000)
    /// Identified by nothing but its first refresh token, which has rotated since.
    private let anonymous = Account(
        id: AccountID.derive(provider: .gemini, identity: "rt-first"), provider: .gemini,
        accessToken: "at-now", refreshToken: "rt-now", expiresAt: 2_000)

    func testMatchingRules() {
        let stored = [codex, claude, gemini, anonymous]
        let table: [(String, Account, Expect)] = [
            ("new claude account gets an id from its e-mail",
             Account(provider: .claude, email: "user@example.com", refreshToken: "x"),
             .imported(id: "claude-b4c9a289323b")),
            ("new account keeps a given id",
             Account(id: "claude-mine", provider: .claude, refreshToken: "x"), .imported(id: "claude-mine")),
            ("new account with only an access token",
             Account(provider: .claude, accessToken: "only-at"),
             .imported(id: AccountID.derive(provider: .claude, identity: "only-at"))),
            ("codex identity, other tokens",
             Account(provider: .codex, accessToken: "n", refreshToken: "n", expiresAt: 3_000,
                     chatgptAccountId: "acc", chatgptUserId: "usr"), .updated(id: "codex-stored")),
            ("codex same workspace, other user is another account",
             Account(provider: .codex, refreshToken: "n", chatgptAccountId: "acc", chatgptUserId: "other"),
             .imported(id: AccountID.derive(provider: .codex, identity: "acc:other"))),
            ("claude by uuid",
             Account(provider: .claude, email: "new@x.com", refreshToken: "n", expiresAt: 3_000, accountUuid: "uuid-a"),
             .updated(id: "claude-stored")),
            ("claude other uuid, same e-mail is another account",
             Account(provider: .claude, email: "owner@example.com", refreshToken: "n", accountUuid: "uuid-b"),
             .imported(id: AccountID.derive(provider: .claude, identity: "uuid-b"))),
            ("claude by e-mail when the incoming has no uuid",
             Account(provider: .claude, email: " OWNER@example.com ", refreshToken: "n", expiresAt: 3_000),
             .updated(id: "claude-stored")),
            ("gemini by e-mail",
             Account(provider: .gemini, email: "G@Gmail.com", refreshToken: "n", expiresAt: 3_000),
             .updated(id: "gemini-stored")),
            ("same e-mail, other provider",
             Account(provider: .gemini, email: "owner@example.com", refreshToken: "n"),
             .imported(id: AccountID.derive(provider: .gemini, identity: "owner@example.com"))),
            ("by id", Account(id: "gemini-stored", provider: .gemini, refreshToken: "n", expiresAt: 3_000),
             .updated(id: "gemini-stored")),
            ("id of another provider does not match",
             Account(id: "gemini-stored", provider: .claude, refreshToken: "n"), .imported(id: "gemini-stored")),
            ("by refresh token", Account(provider: .codex, accessToken: "n", refreshToken: "rt-c", expiresAt: 3_000),
             .updated(id: "codex-stored")),
            ("by access token", Account(provider: .codex, accessToken: "at-c", expiresAt: 3_000),
             .updated(id: "codex-stored")),
            ("by the id its rotated-away first refresh token derives",
             Account(provider: .gemini, accessToken: "at-old", refreshToken: "rt-first", expiresAt: 1_000),
             .unchanged(id: anonymous.id)),
        ]
        for (name, incoming, expected) in table {
            XCTAssertEqual(kind(AccountImport.merge(incoming: incoming, existing: stored)), expected, name)
        }
    }

    func testWhenTokensAreReplaced() {
        func stored(expiresAt: Int64?, disabled: Bool = false, status: RefreshStatus? = nil) -> Account {
            Account(
                id: "claude-s", provider: .claude, accessToken: "at-old", refreshToken: "rt-old",
                expiresAt: expiresAt, accountUuid: "u", disabled: disabled, refreshStatus: status)
        }
        func incoming(expiresAt: Int64?) -> Account {
            Account(provider: .claude, accessToken: "at-new", refreshToken: "rt-new", expiresAt: expiresAt, accountUuid: "u")
        }
        let table: [(String, Account, Account, Bool)] = [
            ("later expiry", stored(expiresAt: 2_000), incoming(expiresAt: 2_001), true),
            ("same expiry", stored(expiresAt: 2_000), incoming(expiresAt: 2_000), false),
            ("older file", stored(expiresAt: 2_000), incoming(expiresAt: 1_000), false),
            ("incoming expiry unknown", stored(expiresAt: 2_000), incoming(expiresAt: nil), false),
            ("stored expiry unknown", stored(expiresAt: nil), incoming(expiresAt: 1_000), true),
            ("both unknown", stored(expiresAt: nil), incoming(expiresAt: nil), false),
            ("stored disabled, older file", stored(expiresAt: 2_000, disabled: true), incoming(expiresAt: 1_000), true),
            ("stored failing", stored(expiresAt: 2_000, status: .failing), incoming(expiresAt: 1_000), true),
            ("stored failed", stored(expiresAt: 2_000, status: .failed), incoming(expiresAt: nil), true),
            ("stored ok", stored(expiresAt: 2_000, status: .ok), incoming(expiresAt: 1_000), false),
        ]
        for (name, existing, new, replaced) in table {
            let outcome = AccountImport.merge(incoming: new, existing: [existing])
            if replaced {
                XCTAssertEqual(kind(outcome), .updated(id: "claude-s"), name)
                XCTAssertEqual(outcome.account.refreshToken, "rt-new", name)
                XCTAssertEqual(outcome.account.accessToken, "at-new", name)
                XCTAssertEqual(outcome.account.expiresAt, new.expiresAt, name)
            } else {
                XCTAssertEqual(outcome, .unchanged(existing), name)
            }
        }
    }

    func testUpdateClearsFailureStateAndKeepsOperatorFields() {
        let stored = AccountFixtures.full
        let incoming = Account(
            id: "", provider: .codex, email: "new@example.com", label: "ignored",
            accessToken: "at-new", refreshToken: "rt-new", expiresAt: 1_800_000_000,
            chatgptAccountId: "acc-123", chatgptUserId: "user-456",
            unknownFields: ["x_string": "incoming loses", "x_new": 1])
        guard case .updated(let merged) = AccountImport.merge(incoming: incoming, existing: [stored]) else {
            return XCTFail("expected updated")
        }
        var expected = stored
        expected.email = "new@example.com"
        expected.accessToken = "at-new"
        expected.refreshToken = "rt-new"
        expected.expiresAt = 1_800_000_000
        expected.oauthClientId = nil  // the new refresh token came from the default client
        expected.oauthClientSecret = nil
        expected.disabled = false
        expected.disabledAt = nil
        expected.disabledReason = nil
        expected.disabledKind = nil
        expected.refreshStatus = nil
        expected.refreshMessage = nil
        expected.refreshFailures = nil
        expected.nextRefreshAt = nil
        expected.cooldownUntil = nil
        expected.cooldownReason = nil
        expected.unknownFields["x_new"] = 1
        XCTAssertEqual(merged, expected)
    }

    func testIncomingWithoutRefreshTokenKeepsTheStoredOne() {
        let stored = Account(
            id: "gemini-s", provider: .gemini, email: "g@x", accessToken: "at", refreshToken: "rt",
            expiresAt: 1_000, oauthClientId: "antigravity", oauthClientSecret: "s")
        let incoming = Account(provider: .gemini, email: "g@x", accessToken: "at2", expiresAt: 2_000)
        let merged = AccountImport.merge(incoming: incoming, existing: [stored]).account
        XCTAssertEqual(merged.refreshToken, "rt")
        XCTAssertEqual(merged.accessToken, "at2")
        XCTAssertEqual(merged.oauthClientId, "antigravity")
    }

    /// Re-importing the very same healthy credentials writes nothing.
    func testIdenticalImportIsUnchanged() {
        let stored = Account(id: "codex-s", provider: .codex, accessToken: "a", refreshToken: "r", expiresAt: 5)
        var incoming = stored
        incoming.id = ""
        XCTAssertEqual(AccountImport.merge(incoming: incoming, existing: [stored]), .unchanged(stored))
    }
}
