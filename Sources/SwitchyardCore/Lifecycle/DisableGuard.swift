/// The disable guard (SPEC §6.8): an upstream outage that answers every refresh with the
/// same "permanent" code must not empty the pool.
///
/// Window rule. Disables are counted per (provider, code). A *run* starts with a disable
/// admitted when none was admitted for that key in the 600 seconds before it; N is the
/// `enabledCount` passed with that first disable (the provider's enabled accounts just before
/// it), and the run's limit is max(1, ⌊fraction × N⌋). The run goes on while each admitted
/// disable follows the previous one by less than 600 s. Within a run, a disable is admitted
/// only when fewer than `limit` were admitted in the last 600 s (a sliding window); the
/// rest are held (`admit` returns false) and the caller records them as `failing` with a
/// "held: possible upstream outage" message and retries them with backoff.
///
/// Consequence: any 10 minutes hold at most one run's disables, and at most its limit of
/// them — "within any 10 minutes at most max(1, ⌊fraction × N⌋)". A held account retried
/// later is admitted once the window has room, so a real mass revocation still ends with
/// the accounts disabled, at the guarded pace.
///
/// Only permanent decisions are passed here (`Decision.guardCode`); configuration errors
/// never disable and are never counted. Pure value type: the supervisor keeps one and
/// passes the clock.
public struct DisableGuard: Sendable, Equatable {
    /// The window, in seconds.
    public static let window: Int64 = 600

    private struct Key: Hashable, Sendable {
        let provider: Provider
        let code: String
    }

    private struct Run: Equatable, Sendable {
        /// max(1, ⌊fraction × N⌋), fixed when the run starts.
        let limit: Int
        /// Times of the disables admitted in the last `window` seconds, oldest first.
        var admitted: [Int64]
    }

    private var runs: [Key: Run] = [:]

    public init() {}

    /// Whether the disable of one more account of `provider` for `code` may go ahead at `now`
    /// (Unix seconds). Records it when admitted. `enabledCount` is the provider's enabled
    /// accounts now, before this disable; it is used only when the call starts a run.
    /// `fraction` is the config's `disable-guard` (0…1).
    public mutating func admit(provider: Provider, code: String, enabledCount: Int, now: Int64, fraction: Double)
        -> Bool
    {
        let key = Key(provider: provider, code: code)
        var run = runs[key].flatMap { pruned($0, now: now) }
            ?? Run(limit: Self.limit(fraction: fraction, enabledCount: enabledCount), admitted: [])
        let admitted = run.admitted.count < run.limit
        if admitted { run.admitted.append(now) }
        runs[key] = run
        return admitted
    }

    /// How many disables a run may admit per window: max(1, ⌊fraction × N⌋). A fraction
    /// outside 0…1 (or NaN) is clamped to it.
    public static func limit(fraction: Double, enabledCount: Int) -> Int {
        let bounded = fraction.isNaN ? 0 : Swift.min(Swift.max(fraction, 0), 1)
        let allowed = (bounded * Double(Swift.max(enabledCount, 0))).rounded(.down)
        return Swift.max(1, Int(allowed))
    }

    /// `run` without the disables older than the window; nil when none is left, which ends
    /// the run (the next disable starts a new one with a fresh N).
    private func pruned(_ run: Run, now: Int64) -> Run? {
        var run = run
        run.admitted.removeAll { now - $0 >= Self.window }
        return run.admitted.isEmpty ? nil : run
    }
}
