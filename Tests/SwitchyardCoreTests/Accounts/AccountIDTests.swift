import XCTest

@testable import SwitchyardCore

final class AccountIDTests: XCTestCase {
    /// Expected ids computed independently (Python: provider + "-" + sha256(s).hexdigest()[:12]).
    func testDeriveKnownVectors() {
        let vectors: [(Provider, String, String)] = [
            (.claude, "user@example.com", "claude-b4c9a289323b"),
            (.codex, "acc-123:user-456", "codex-47af1fdf3812"),
            (.gemini, "someone@gmail.com", "gemini-fa5fbf8a030b"),
            (.claude, "5f2c9a1e-0000-4000-8000-000000000001", "claude-df16af982242"),
            (.codex, "rt_refresh_token_value", "codex-60bbd6b9fe2d"),
        ]
        for (provider, identity, expected) in vectors {
            XCTAssertEqual(AccountID.derive(provider: provider, identity: identity), expected, identity)
        }
    }

    func testIdentityPerProvider() {
        let cases: [(String, Account, String?)] = [
            ("codex uses account:user",
             Account(provider: .codex, email: "x@y.z", refreshToken: "rt", chatgptAccountId: "acc-123", chatgptUserId: "user-456"),
             "acc-123:user-456"),
            ("codex without user id falls back to the refresh token",
             Account(provider: .codex, email: "x@y.z", refreshToken: "rt", chatgptAccountId: "acc-123"),
             "rt"),
            ("codex never uses the e-mail",
             Account(provider: .codex, email: "x@y.z", accessToken: "at"),
             nil),
            ("claude prefers the account uuid",
             Account(provider: .claude, email: "A@B.C", refreshToken: "rt", accountUuid: "uuid-1"),
             "uuid-1"),
            ("claude falls back to the normalized e-mail",
             Account(provider: .claude, email: "  User@Example.COM\n", refreshToken: "rt"),
             "user@example.com"),
            ("claude with an empty uuid uses the e-mail",
             Account(provider: .claude, email: "u@e.com", refreshToken: "rt", accountUuid: ""),
             "u@e.com"),
            ("gemini uses the e-mail",
             Account(provider: .gemini, email: "Someone@Gmail.com", refreshToken: "rt"),
             "someone@gmail.com"),
            ("gemini with a blank e-mail uses the refresh token",
             Account(provider: .gemini, email: "   ", refreshToken: "rt"),
             "rt"),
            ("nothing known", Account(provider: .gemini, accessToken: "at"), nil),
        ]
        for (name, account, expected) in cases {
            XCTAssertEqual(AccountID.identity(for: account), expected, name)
        }
    }

    func testDerivedIDNeverContainsTheEmail() {
        let account = Account(provider: .claude, email: "user@example.com", refreshToken: "rt")
        let id = AccountID.derive(provider: .claude, identity: AccountID.identity(for: account)!)
        XCTAssertEqual(id, "claude-b4c9a289323b")
        XCTAssertFalse(id.contains("user"))
        XCTAssertTrue(AccountID.isValid(id))
    }

    func testIsValid() {
        let cases: [(String, Bool)] = [
            ("claude-b4c9a289323b", true), ("my.account_1-A", true), ("a", true),
            ("", false), (".hidden", false), ("..", false), ("a/b", false), ("../x", false),
            ("a b", false), ("é", false), ("a\u{0}b", false),
            (String(repeating: "a", count: 128), true), (String(repeating: "a", count: 129), false),
        ]
        for (id, valid) in cases {
            XCTAssertEqual(AccountID.isValid(id), valid, "\"\(id)\"")
        }
    }
}
