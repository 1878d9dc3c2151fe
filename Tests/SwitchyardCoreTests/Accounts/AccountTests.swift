import XCTest

@testable import SwitchyardCore

final class AccountTests: XCTestCase {
    /// SPEC §5: disabled > cooling (now < cooldown_until) > expired (now ≥ expires_at) >
    /// failing (refresh_status failing) > active.
    func testStateDerivation() {
        let now: Int64 = 1_000
        func account(
            disabled: Bool = false, cooldownUntil: Int64? = nil, expiresAt: Int64? = nil,
            refreshStatus: RefreshStatus? = nil
        ) -> Account {
            Account(
                id: "claude-x", provider: .claude, refreshToken: "rt", expiresAt: expiresAt,
                disabled: disabled, refreshStatus: refreshStatus, cooldownUntil: cooldownUntil)
        }
        let table: [(String, Account, AccountState)] = [
            ("nothing set", account(), .active),
            ("valid token", account(expiresAt: 2_000), .active),
            ("disabled beats everything",
             account(disabled: true, cooldownUntil: 2_000, expiresAt: 10, refreshStatus: .failing), .disabled),
            ("cooling", account(cooldownUntil: 1_001), .cooling),
            ("cooldown ends at cooldown_until", account(cooldownUntil: 1_000), .active),
            ("past cooldown", account(cooldownUntil: 999), .active),
            ("cooling beats expired", account(cooldownUntil: 2_000, expiresAt: 10), .cooling),
            ("expired at expires_at", account(expiresAt: 1_000), .expired),
            ("expired before", account(expiresAt: 999), .expired),
            ("not yet expired", account(expiresAt: 1_001), .active),
            ("expired beats failing", account(expiresAt: 10, refreshStatus: .failing), .expired),
            ("failing", account(expiresAt: 2_000, refreshStatus: .failing), .failing),
            ("failed without disabled is active", account(refreshStatus: .failed), .active),
            ("ok", account(refreshStatus: .ok), .active),
        ]
        for (name, account, expected) in table {
            XCTAssertEqual(account.state(now: now), expected, name)
        }
    }

    func testPublicViewHidesSecretsAndUnknownFields() throws {
        let view = AccountFixtures.full.publicView(now: 1_700_000_000)
        let members = try XCTUnwrap(view.objectValue)
        for secret in ["access_token", "refresh_token", "id_token", "oauth_client_secret", "schema"] {
            XCTAssertNil(members[secret], secret)
        }
        for unknown in AccountFixtures.full.unknownFields.keys {
            XCTAssertNil(members[unknown], unknown)
        }
        let text = String(decoding: view.serialized(), as: UTF8.self)
        for secret in ["at-secret", "rt-secret", "idt-secret", "client-secret", "hunter2", "bob"] {
            XCTAssertFalse(text.contains(secret), "view leaks \(secret)")
        }
    }

    func testPublicViewShowsEveryOtherField() throws {
        let members = try XCTUnwrap(AccountFixtures.full.publicView(now: 1_700_000_000).objectValue)
        let expected: Set<String> = [
            "id", "provider", "email", "label", "expires_at", "chatgpt_account_id", "chatgpt_user_id",
            "account_uuid", "project_id", "oauth_client_id", "proxy_url", "disabled", "disabled_at",
            "disabled_reason", "disabled_kind", "refresh_status", "refresh_message", "last_refreshed_at",
            "last_refresh_attempt_at", "refresh_failures", "next_refresh_at", "cooldown_until",
            "cooldown_reason", "quota", "state",
        ]
        XCTAssertEqual(Set(members.keys), expected)
        XCTAssertEqual(members["proxy_url"], "socks5://***@proxy.local:1080")
        XCTAssertEqual(members["state"], "disabled")
        XCTAssertEqual(members["disabled_kind"], "reauth_required")
        XCTAssertEqual(members["refresh_failures"], 3)
        XCTAssertEqual(members["quota"]?["windows"]?.arrayValue?.count, 2)
    }

    func testPublicViewOmitsAbsentFields() {
        let view = AccountFixtures.minimal.publicView(now: 0)
        XCTAssertEqual(view, [
            "id": "claude-b4c9a289323b", "provider": "claude", "disabled": false, "state": "active",
        ])
    }

    func testMaskedProxyURL() {
        let table: [(String, String)] = [
            ("socks5://user:pass@host:1080", "socks5://***@host:1080"),
            ("http://user@host:8080", "http://***@host:8080"),
            ("http://host:8080", "http://host:8080"),
            ("https://u:p%40ss@h.example/path", "https://***@h.example/path"),
            ("socks5h://u:p@ss@host:1", "socks5h://***@host:1"),
            ("http://u:pa/ss@host:1", "http://***@host:1"),
            ("user:pw@host:1080", "***@host:1080"),
            ("host:1080", "host:1080"),
            ("", ""),
        ]
        for (url, masked) in table {
            XCTAssertEqual(Account.maskedProxyURL(url), masked, url)
        }
    }

    func testHasTokens() {
        XCTAssertTrue(Account(provider: .codex, accessToken: "a").hasTokens)
        XCTAssertTrue(Account(provider: .codex, refreshToken: "r").hasTokens)
        XCTAssertFalse(Account(provider: .codex).hasTokens)
        XCTAssertFalse(Account(provider: .codex, accessToken: "", refreshToken: "").hasTokens)
    }
}
