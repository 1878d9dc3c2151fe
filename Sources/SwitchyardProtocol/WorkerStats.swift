/// A worker's periodic load report, shown by `workers list` and the metrics.
public struct WorkerStats: Codable, Sendable, Equatable {
    /// Client requests begun and not yet finished.
    public var inFlight: Int
    /// Client requests begun since the worker started.
    public var requestsTotal: UInt64
    /// Resident set size, when the worker could read it.
    public var rssBytes: UInt64?

    public init(inFlight: Int, requestsTotal: UInt64, rssBytes: UInt64? = nil) {
        self.inFlight = inFlight
        self.requestsTotal = requestsTotal
        self.rssBytes = rssBytes
    }

    enum CodingKeys: String, CodingKey {
        case inFlight = "in_flight"
        case requestsTotal = "requests_total"
        case rssBytes = "rss_bytes"
    }
}
