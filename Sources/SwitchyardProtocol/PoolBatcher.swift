/// Splits a pool into `pool_upsert` batches whose lines stay within the line bound (SPEC §4: a
/// pool may hold 10,000 accounts, a line at most 1 MiB).
public enum PoolBatcher {
    /// Consecutive batches, in order, each account exactly once, such that every
    /// `WireCodec.encode(.poolUpsert(batch))` — its `\n` included — is at most `maxLineBytes`
    /// bytes. Sizes are measured by encoding each account, so the bound holds whatever the
    /// token lengths. An account too large to fit any line on its own (not a real token) gets a
    /// batch by itself, which the line encoder then refuses.
    public static func batches(_ accounts: [PoolAccount], maxLineBytes: Int = WireCodec.maxLineBytes) -> [[PoolAccount]] {
        // `{"accounts":[],"type":"pool_upsert"}\n`: what every line carries besides its accounts.
        let envelope = WireCodec.json(SupervisorMessage.poolUpsert([])).count + 1
        var batches: [[PoolAccount]] = []
        var current: [PoolAccount] = []
        var currentBytes = envelope
        for account in accounts {
            // Accounts after the first in a line are preceded by a comma.
            let size = WireCodec.json(account).count
            if !current.isEmpty, currentBytes + 1 + size > maxLineBytes {
                batches.append(current)
                current = []
                currentBytes = envelope
            }
            currentBytes += (current.isEmpty ? 0 : 1) + size
            current.append(account)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
