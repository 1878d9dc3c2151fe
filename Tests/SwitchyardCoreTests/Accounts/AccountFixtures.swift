@testable import SwitchyardCore

/// Accounts shared by the account tests.
enum AccountFixtures {
    /// Every field of SPEC §5 set to a distinct value, plus unknown fields of every JSON kind.
    static let full = Account(
        id: "codex-47af1fdf3812", provider: .codex, email: "user@example.com", label: "team seat 3",
        accessToken: "at-secret", refreshToken: "rt-secret", idToken: "idt-secret",
        expiresAt: 1_700_003_600, chatgptAccountId: "acc-123", chatgptUserId: "user-456",
        accountUuid: "uuid-789", projectId: "proj-1", oauthClientId: "client-1",
        oauthClientSecret: "client-secret", proxyURL: "socks5://bob:hunter2@proxy.local:1080",
        disabled: true, disabledAt: 1_700_000_100, disabledReason: "invalid_grant (401)",
        disabledKind: .reauthRequired, refreshStatus: .failed, refreshMessage: "401 invalid_grant",
        lastRefreshedAt: 1_699_990_000, lastRefreshAttemptAt: 1_700_000_050, refreshFailures: 3,
        nextRefreshAt: 1_700_000_900, cooldownUntil: 1_700_001_000, cooldownReason: "429 usage limit",
        quota: Quota(
            checkedAt: 1_700_000_000,
            windows: [
                QuotaWindow(name: "primary", usedPercent: 42.5, resetsAt: 1_700_018_000),
                QuotaWindow(name: "gemini-2.5-pro", model: "gemini-2.5-pro", usedPercent: 100, resetsAt: nil),
            ],
            status: "ok", message: "fine", nextCheckAt: 1_700_000_300),
        unknownFields: [
            "x_string": "s", "x_int": 9_007_199_254_740_993, "x_double": 0.25, "x_bool": false,
            "x_null": nil, "x_array": [1, "two", [3]], "x_object": ["nested": ["deep": true]],
        ])

    /// The smallest valid account.
    static let minimal = Account(id: "claude-b4c9a289323b", provider: .claude, refreshToken: "rt")
}
