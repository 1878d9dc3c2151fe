/// When a refused access token (an API or quota 401, SPEC §6.3–6.4) may force a refresh
/// outside the schedule.
///
/// Not while the refresh backoff runs: the token endpoint is failing (an organization-policy
/// 403, an outage), and a forced call per 401 — every request, every quota cycle — would be
/// the retry storm the backoff exists to prevent. Not right after a successful refresh
/// either: a token refused minutes after it was issued is not cured by another rotation, and
/// each 401 would rotate the account's tokens again. The account stays held out by the
/// worker meanwhile; the scheduler refreshes it at its due time.
public enum ForcedRefresh {
    /// A token younger than this is not refreshed again because of a 401.
    public static let freshTokenAge: Int64 = 60

    public static func allowed(for account: Account, now: Int64) -> Bool {
        if account.refreshStatus == .failing, let next = account.nextRefreshAt, next > now { return false }
        if let refreshed = account.lastRefreshedAt, now - refreshed < freshTokenAge { return false }
        return true
    }
}
