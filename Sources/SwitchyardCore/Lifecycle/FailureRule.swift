/// One row of `FailureClassifier.rules`: "for these sources (and provider), when this
/// condition holds, the outcome is this". Rows are plain data so the table reads top to
/// bottom like SPEC §6 itself; the first row that matches decides.
struct FailureRule: Sendable {
    /// What a row looks at. Codes and messages come from `ErrorFields`; no row matches a
    /// status without also naming its sources (the seeds' bug was a bare `status == 403`).
    enum Condition: Sendable {
        /// Any extracted code is in the set (codes are lowercased).
        case code(Set<String>)
        /// The upstream message contains one of these lowercased phrases.
        case messageContains([String])
        case status(Set<Int>)
        case statusRange(ClosedRange<Int>)
        /// No HTTP response: a transport error (connect, TLS, timeout, reset), or no status.
        case noResponse
        /// The catch-all that ends each source's rows.
        case always
    }

    /// What a matching row decides; `FailureClassifier` fills in messages and times.
    enum Outcome: Sendable, Equatable {
        case disable(DisabledKind)
        case configurationError
        case transient(RetryAfterRule)
        case quotaUnavailable
        case cooldown
        case retryElsewhere
        case forceRefreshThenRetry
        case neutral
    }

    /// How a transient outcome treats the upstream's `Retry-After`.
    enum RetryAfterRule: Sendable, Equatable {
        /// Not a rate limit: the backoff step alone decides.
        case ignore
        /// Honoured within bounds (refresh 429: 5 s–5 min, SPEC §6.2).
        case clamp(floor: Duration, ceiling: Duration)
        /// Honoured, never shorter than the floor, which also applies without the header
        /// (quota 429: 60 s, SPEC §6.3).
        case floor(Duration)
    }

    let sources: Set<FailureSource>
    /// Nil: every provider.
    let provider: Provider?
    let condition: Condition
    let outcome: Outcome

    init(_ sources: Set<FailureSource>, _ provider: Provider? = nil, when condition: Condition, then outcome: Outcome) {
        self.sources = sources
        self.provider = provider
        self.condition = condition
        self.outcome = outcome
    }

    /// What a match found: the code that decided it, for code rows.
    struct Match {
        let code: String?
    }

    /// Nil when the row does not apply to `input`.
    func match(_ input: FailureInput) -> Match? {
        guard sources.contains(input.source), provider == nil || provider == input.provider else { return nil }
        switch condition {
        case .code(let codes):
            return input.fields.codes.first(where: codes.contains).map { Match(code: $0) }
        case .messageContains(let phrases):
            guard let message = input.lowercasedMessage, phrases.contains(where: message.contains) else { return nil }
            return Match(code: nil)
        case .status(let statuses):
            return input.response.flatMap { statuses.contains($0) ? Match(code: nil) : nil }
        case .statusRange(let range):
            return input.response.flatMap { range.contains($0) ? Match(code: nil) : nil }
        case .noResponse:
            return input.response == nil ? Match(code: nil) : nil
        case .always:
            return Match(code: nil)
        }
    }
}

/// Everything one classification looks at, read once.
struct FailureInput {
    let source: FailureSource
    let provider: Provider
    /// The HTTP status, or nil when there was no response (a transport error).
    let response: Int?
    let headers: [(String, String)]
    let fields: ErrorFields
    let transportError: String?
    let now: Int64
    let lowercasedMessage: String?

    init(
        source: FailureSource, provider: Provider, status: Int?, headers: [(String, String)],
        fields: ErrorFields, transportError: String?, now: Int64
    ) {
        self.source = source
        self.provider = provider
        // A transport error wins over any status: the response, if any, did not complete.
        self.response = transportError == nil ? status : nil
        self.headers = headers
        self.fields = fields
        self.transportError = transportError
        self.now = now
        self.lowercasedMessage = fields.message.map { ([$0] + fields.otherMessages).joined(separator: "\n").lowercased() }
    }

    /// The first value of header `name` (given lowercased), matched case-insensitively.
    func header(_ name: String) -> String? {
        headers.first(where: { $0.0.utf8.count == name.utf8.count && $0.0.lowercased() == name })?.1
    }

    /// `Retry-After`, read at `now`.
    var retryAfter: Duration? {
        header("retry-after").flatMap { RetryAfterHeader.parse($0, now: now) }
    }
}
