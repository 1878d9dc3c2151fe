/// How a worker picks the next account for a request (`providers.<name>.selection`, SPEC §3).
public enum SelectionStrategy: String, Sendable, CaseIterable {
    /// Each request goes to the next usable account in turn.
    case roundRobin = "round-robin"
    /// Every request goes to the first usable account (in id order) until it cools or leaves;
    /// keeps the other accounts' quotas untouched for later.
    case fillFirst = "fill-first"
    /// The account with the fewest requests in flight, then the lowest quota use.
    case leastUsed = "least-used"
}
