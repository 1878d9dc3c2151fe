@testable import SwitchyardCore
import XCTest

final class AccountLifecycleTests: XCTestCase {
    private typealias F = LifecycleFixtures
    private let now = LifecycleFixtures.now

    // MARK: - Refresh success

    func testRefreshSuccessStoresTokensAndClearsFailureFields() {
        var failing = F.account
        failing.refreshStatus = .failing
        failing.refreshMessage = "HTTP 503"
        failing.refreshFailures = 4
        failing.nextRefreshAt = now + 900
        let grant = TokenGrant(accessToken: "new-access", refreshToken: "new-refresh", idToken: "new-id", expiresAt: now + 28_800)
        let account = AccountLifecycle.applyRefreshSuccess(failing, grant: grant, now: now)
        XCTAssertEqual(account.accessToken, "new-access")
        XCTAssertEqual(account.refreshToken, "new-refresh")
        XCTAssertEqual(account.idToken, "new-id")
        XCTAssertEqual(account.expiresAt, now + 28_800)
        XCTAssertEqual(account.refreshStatus, .ok)
        XCTAssertNil(account.refreshMessage)
        XCTAssertNil(account.refreshFailures)
        XCTAssertNil(account.nextRefreshAt)
        XCTAssertEqual(account.lastRefreshedAt, now)
        XCTAssertEqual(account.lastRefreshAttemptAt, now)
    }

    func testRefreshSuccessKeepsTheRefreshTokenWhenTheGrantOmitsIt() {
        for omitted in [nil, ""] as [String?] {
            let grant = TokenGrant(accessToken: "new-access", refreshToken: omitted, expiresAt: now + 3599)
            let account = AccountLifecycle.applyRefreshSuccess(F.account, grant: grant, now: now)
            XCTAssertEqual(account.refreshToken, "old-refresh")
            XCTAssertEqual(account.idToken, "old-id")
            XCTAssertEqual(account.accessToken, "new-access")
        }
    }

    func testRefreshSuccessAddsIdentityButNeverReplacesIt() {
        var codex = Account(id: "codex-0123456789ab", provider: .codex, refreshToken: "rt")
        codex.chatgptUserId = "user-known"
        let grant = TokenGrant(
            accessToken: "a", accountUUID: "uuid-new", email: "new@example.com", chatgptAccountID: "acct-1",
            chatgptUserID: "user-other")
        let learned = AccountLifecycle.applyRefreshSuccess(codex, grant: grant, now: now)
        XCTAssertEqual(learned.chatgptAccountId, "acct-1")
        XCTAssertEqual(learned.chatgptUserId, "user-known")
        XCTAssertEqual(learned.email, "new@example.com")
        XCTAssertEqual(learned.accountUuid, "uuid-new")
        XCTAssertEqual(learned.id, codex.id)

        let claude = AccountLifecycle.applyRefreshSuccess(F.account, grant: grant, now: now)
        XCTAssertEqual(claude.accountUuid, "uuid-1")
        XCTAssertEqual(claude.email, "owner@example.com")
    }

    // MARK: - Refresh failure

    /// Seed 003: a permanent failure is never recorded as a success.
    func testPermanentFailureDisablesAndNeverTouchesLastRefreshedAt() {
        let decision = F.classify(.refresh, .gemini, 400, F.googleInvalidGrant)
        let account = AccountLifecycle.applyRefreshFailure(
            F.account, decision: decision, guardAdmits: true, backoff: .seconds(30), now: now)
        XCTAssertTrue(account.disabled)
        XCTAssertEqual(account.disabledKind, .reauthRequired)
        XCTAssertEqual(account.disabledReason, "invalid_grant: Token has been expired or revoked.")
        XCTAssertEqual(account.disabledAt, now)
        XCTAssertEqual(account.refreshStatus, .failed)
        XCTAssertEqual(account.refreshMessage, "invalid_grant: Token has been expired or revoked.")
        XCTAssertEqual(account.lastRefreshedAt, F.account.lastRefreshedAt)
        XCTAssertEqual(account.lastRefreshAttemptAt, now)
        XCTAssertNil(account.nextRefreshAt)
        XCTAssertEqual(account.refreshFailures, 1)
        XCTAssertEqual(account.accessToken, F.account.accessToken)
        XCTAssertEqual(account.refreshToken, F.account.refreshToken)
        XCTAssertEqual(account.state(now: now), .disabled)
    }

    func testPermanentFailureHeldByTheGuardStaysFailing() {
        let decision = F.classify(.refresh, .codex, 401, #"{"error":{"code":"token_expired","message":"expired"}}"#)
        let account = AccountLifecycle.applyRefreshFailure(
            F.account, decision: decision, guardAdmits: false, backoff: .seconds(45), now: now)
        XCTAssertFalse(account.disabled)
        XCTAssertNil(account.disabledKind)
        XCTAssertEqual(account.refreshStatus, .failing)
        XCTAssertEqual(account.refreshMessage, "held: possible upstream outage (token_expired): token_expired: expired")
        XCTAssertEqual(account.nextRefreshAt, now + 45)
        XCTAssertEqual(account.refreshFailures, 1)
        XCTAssertEqual(account.lastRefreshedAt, F.account.lastRefreshedAt)
    }

    func testTransientFailureWaitsTheLongerOfBackoffAndRetryAfter() {
        let cases: [(Duration?, Duration, Int64)] = [
            (nil, .seconds(30), now + 30),
            (.seconds(120), .seconds(30), now + 120),
            (.seconds(5), .milliseconds(30_500), now + 31),
        ]
        var failing = F.account
        failing.refreshFailures = 2
        for (retryAfter, backoff, next) in cases {
            let account = AccountLifecycle.applyRefreshFailure(
                failing, decision: .transient(retryAfter: retryAfter, message: "HTTP 429"), guardAdmits: true,
                backoff: backoff, now: now)
            XCTAssertEqual(account.nextRefreshAt, next)
            XCTAssertEqual(account.refreshStatus, .failing)
            XCTAssertEqual(account.refreshMessage, "HTTP 429")
            XCTAssertEqual(account.refreshFailures, 3)
            XCTAssertFalse(account.disabled)
            XCTAssertEqual(account.lastRefreshedAt, F.account.lastRefreshedAt)
            XCTAssertEqual(account.lastRefreshAttemptAt, now)
        }
    }

    func testConfigurationErrorIsFailingNeverDisabled() {
        let decision = F.classify(.refresh, .gemini, 401, #"{"error":"invalid_client","error_description":"The OAuth client was not found."}"#)
        let account = AccountLifecycle.applyRefreshFailure(
            F.account, decision: decision, guardAdmits: true, backoff: .seconds(60), now: now)
        XCTAssertFalse(account.disabled)
        XCTAssertEqual(account.refreshStatus, .failing)
        XCTAssertEqual(account.refreshMessage, "invalid_client: The OAuth client was not found.")
        XCTAssertEqual(account.nextRefreshAt, now + 60)
    }

    /// Seed 002, end to end: a refresh 403 arms the refresh backoff.
    func testClaudeRefresh403ArmsTheRefreshBackoff() {
        let decision = F.classify(.refresh, .claude, 403, F.claudeOrgPolicy)
        let account = AccountLifecycle.applyRefreshFailure(
            F.account, decision: decision, guardAdmits: true, backoff: .seconds(30), now: now)
        XCTAssertEqual(account.nextRefreshAt, now + 30)
        XCTAssertEqual(account.refreshStatus, .failing)
        XCTAssertFalse(account.disabled)
        XCTAssertNil(account.quota)
    }

    // MARK: - Quota

    func testQuotaReadingCoolsUntilTheLatestExhaustedReset() {
        let cases: [([QuotaWindow], Int64?)] = [
            ([QuotaWindow(name: "five_hour", usedPercent: 37, resetsAt: now + 100)], nil),
            ([QuotaWindow(name: "five_hour", usedPercent: 99.9, resetsAt: now + 100)], nil),
            ([QuotaWindow(name: "five_hour", usedPercent: 100, resetsAt: now + 100),
              QuotaWindow(name: "seven_day", usedPercent: 12, resetsAt: now + 9000)], now + 100),
            ([QuotaWindow(name: "five_hour", usedPercent: 100, resetsAt: now + 100),
              QuotaWindow(name: "seven_day", usedPercent: 104, resetsAt: now + 9000)], now + 9000),
            ([QuotaWindow(name: "primary", usedPercent: 100, resetsAt: nil)], now + 300),
        ]
        for (windows, cooldown) in cases {
            let account = AccountLifecycle.applyQuotaReading(F.account, windows: windows, now: now, nextCheck: now + 300)
            XCTAssertEqual(account.quota, Quota(checkedAt: now, windows: windows, status: "ok", nextCheckAt: now + 300))
            XCTAssertEqual(account.cooldownUntil, cooldown, "\(windows)")
            XCTAssertEqual(account.cooldownReason == nil, cooldown == nil)
        }
    }

    func testQuotaReadingNeverShortensALongerCooldown() {
        var cooling = F.account
        cooling.cooldownUntil = now + 50_000
        cooling.cooldownReason = "429"
        let windows = [QuotaWindow(name: "five_hour", usedPercent: 100, resetsAt: now + 100)]
        let account = AccountLifecycle.applyQuotaReading(cooling, windows: windows, now: now, nextCheck: now + 300)
        XCTAssertEqual(account.cooldownUntil, now + 50_000)
        XCTAssertEqual(account.cooldownReason, "429")
    }

    func testGeminiCoolsOnlyWhenEveryBucketIsExhausted() {
        let gemini = Account(id: "gemini-0123456789ab", provider: .gemini, refreshToken: "rt")
        let pro = QuotaWindow(name: "gemini-2.5-pro", model: "gemini-2.5-pro", usedPercent: 100, resetsAt: now + 600)
        let flash = QuotaWindow(name: "gemini-2.5-flash", model: "gemini-2.5-flash", usedPercent: 40, resetsAt: now + 300)
        let partly = AccountLifecycle.applyQuotaReading(gemini, windows: [pro, flash], now: now, nextCheck: now + 300)
        XCTAssertNil(partly.cooldownUntil)
        XCTAssertEqual(partly.quota?.windows, [pro, flash])

        var flashDone = flash
        flashDone.usedPercent = 100
        let all = AccountLifecycle.applyQuotaReading(gemini, windows: [pro, flashDone], now: now, nextCheck: now + 300)
        XCTAssertEqual(all.cooldownUntil, now + 600)

        let none = AccountLifecycle.applyQuotaReading(gemini, windows: [], now: now, nextCheck: now + 300)
        XCTAssertNil(none.cooldownUntil)
    }

    /// A model the API reported exhausted stays so until its reset, whatever a lagging usage
    /// reading says; once the reset has passed, the reading is what counts again.
    func testAnAPIModelExhaustionOutlivesALaggingReading() {
        let gemini = Account(id: "gemini-0123456789ab", provider: .gemini, refreshToken: "rt")
        let limited = AccountLifecycle.applyCooldown(gemini, until: now + 600, reason: "429", model: "gemini-2.5-pro")
        let lagging = [
            QuotaWindow(name: "gemini-2.5-pro", model: "gemini-2.5-pro", usedPercent: 20, resetsAt: now + 3600),
            QuotaWindow(name: "gemini-2.5-flash", model: "gemini-2.5-flash", usedPercent: 10, resetsAt: now + 3600),
        ]
        let read = AccountLifecycle.applyQuotaReading(limited, windows: lagging, now: now + 60, nextCheck: now + 360)
        let pro = read.quota?.windows.first { $0.model == "gemini-2.5-pro" }
        XCTAssertEqual(pro?.usedPercent, 100)
        XCTAssertEqual(pro?.resetsAt, now + 600)
        XCTAssertEqual(read.quota?.windows.count, 2)
        XCTAssertNil(read.cooldownUntil, "the other model is still usable")

        let later = AccountLifecycle.applyQuotaReading(read, windows: lagging, now: now + 601, nextCheck: now + 900)
        XCTAssertEqual(later.quota?.windows, lagging)
    }

    /// Members of the quota object Switchyard does not know survive a reading (SPEC §5) and
    /// stay out of the public view.
    func testUnknownQuotaMembersAreKept() throws {
        var account = F.account
        var quota = Quota(checkedAt: now - 600)
        quota.otherMembers = ["note": .string("kept")]
        account.quota = quota
        let read = AccountLifecycle.applyQuotaReading(account, windows: [], now: now, nextCheck: now + 300)
        XCTAssertEqual(read.quota?.otherMembers, ["note": .string("kept")])
        let encoded = AccountFileCodec.encode(read)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"note\""))
        XCTAssertEqual(try AccountFileCodec.decode(encoded, fileName: "a.json").quota?.otherMembers, ["note": .string("kept")])
        XCTAssertEqual(read.publicView(now: now)["quota"]?["note"], nil)
    }

    /// Seed 002: a quota 403 records "unavailable" and arms no backoff of any kind.
    func testQuotaUnavailableArmsNoBackoff() {
        var read = AccountLifecycle.applyQuotaReading(
            F.account, windows: [QuotaWindow(name: "five_hour", usedPercent: 10, resetsAt: now + 10)], now: now - 300,
            nextCheck: now)
        read.nextRefreshAt = nil
        let decision = F.classify(.quota, .claude, 403, F.claudeOrgPolicy)
        guard case .quotaUnavailable(let message) = decision else { return XCTFail("\(decision)") }
        let account = AccountLifecycle.applyQuotaUnavailable(read, message: message, now: now)
        XCTAssertEqual(account.quota?.status, "unavailable")
        XCTAssertEqual(account.quota?.message, message)
        XCTAssertEqual(account.quota?.checkedAt, now)
        XCTAssertEqual(account.quota?.nextCheckAt, now, "no quota backoff")
        XCTAssertEqual(account.quota?.windows, read.quota?.windows)
        XCTAssertEqual(account.refreshStatus, read.refreshStatus)
        XCTAssertNil(account.nextRefreshAt, "no refresh backoff either")
        XCTAssertNil(account.cooldownUntil)
    }

    func testQuotaFailureBacksOff() {
        let account = AccountLifecycle.applyQuotaFailure(F.account, message: "HTTP 503", now: now, nextCheck: now + 120)
        XCTAssertEqual(account.quota, Quota(checkedAt: now, windows: [], status: "failing", message: "HTTP 503", nextCheckAt: now + 120))
        XCTAssertFalse(account.disabled)
    }

    // MARK: - Cooldown

    func testCooldownExtendsButNeverShortens() {
        let first = AccountLifecycle.applyCooldown(F.account, until: now + 600, reason: "usage_limit_reached")
        XCTAssertEqual(first.cooldownUntil, now + 600)
        XCTAssertEqual(first.cooldownReason, "usage_limit_reached")
        let shorter = AccountLifecycle.applyCooldown(first, until: now + 60, reason: "HTTP 429")
        XCTAssertEqual(shorter.cooldownUntil, now + 600)
        XCTAssertEqual(shorter.cooldownReason, "usage_limit_reached")
        let longer = AccountLifecycle.applyCooldown(first, until: now + 6000, reason: "rate_limit_error")
        XCTAssertEqual(longer.cooldownUntil, now + 6000)
        XCTAssertEqual(longer.state(now: now), .cooling)
    }

    func testModelCooldownCoolsOnlyThatModel() {
        let gemini = Account(id: "gemini-0123456789ab", provider: .gemini, refreshToken: "rt")
        let cooled = AccountLifecycle.applyCooldown(gemini, until: now + 10_920, reason: "quota_exhausted", model: "gemini-2.5-pro")
        XCTAssertNil(cooled.cooldownUntil)
        XCTAssertEqual(
            cooled.quota?.windows,
            [QuotaWindow(name: "gemini-2.5-pro", model: "gemini-2.5-pro", usedPercent: 100, resetsAt: now + 10_920)])
        XCTAssertEqual(cooled.state(now: now), .active)
        let again = AccountLifecycle.applyCooldown(cooled, until: now + 20, reason: "x", model: "gemini-2.5-pro")
        XCTAssertEqual(again.quota?.windows.first?.resetsAt, now + 10_920, "never shortened")
        let later = AccountLifecycle.applyCooldown(cooled, until: now + 20_000, reason: "x", model: "gemini-2.5-pro")
        XCTAssertEqual(later.quota?.windows.count, 1)
        XCTAssertEqual(later.quota?.windows.first?.resetsAt, now + 20_000)
    }

    // MARK: - Operator

    func testOperatorDisableThenEnable() {
        let disabled = AccountLifecycle.applyOperatorDisable(F.account, reason: "leaving the team", now: now)
        XCTAssertTrue(disabled.disabled)
        XCTAssertEqual(disabled.disabledKind, .byOperator)
        XCTAssertEqual(disabled.disabledReason, "leaving the team")
        XCTAssertEqual(disabled.disabledAt, now)
        XCTAssertEqual(AccountLifecycle.applyOperatorDisable(F.account, reason: nil, now: now).disabledReason, "disabled by operator")

        let failed = AccountLifecycle.applyRefreshFailure(
            F.account, decision: .permanent(.reauthRequired, code: "invalid_grant", message: "invalid_grant"),
            guardAdmits: true, backoff: .seconds(30), now: now)
        let enabled = AccountLifecycle.applyOperatorEnable(failed, now: now + 10)
        XCTAssertFalse(enabled.disabled)
        XCTAssertNil(enabled.disabledKind)
        XCTAssertNil(enabled.disabledReason)
        XCTAssertNil(enabled.disabledAt)
        XCTAssertNil(enabled.refreshStatus)
        XCTAssertNil(enabled.refreshFailures)
        XCTAssertEqual(enabled.nextRefreshAt, now + 10, "an immediate refresh")
        XCTAssertEqual(enabled.lastRefreshedAt, F.account.lastRefreshedAt)
    }

    func testPermanentFailureFromTheAPIPathDisablesWithoutRefreshFields() {
        let account = AccountLifecycle.applyPermanentFailure(
            F.account, kind: .verificationRequired, message: "validation_required (HTTP 403)", now: now)
        XCTAssertTrue(account.disabled)
        XCTAssertEqual(account.disabledKind, .verificationRequired)
        XCTAssertEqual(account.refreshStatus, .ok)
        XCTAssertEqual(account.lastRefreshAttemptAt, F.account.lastRefreshAttemptAt)
    }
}
