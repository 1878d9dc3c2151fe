/// Everything a worker sends the supervisor (SPEC §4). See docs/protocol.md for the sequences
/// and an example line of each.
public enum WorkerMessage: Sendable, Equatable {
    /// The first line on every connection.
    case hello(Hello)
    /// Configured and holding its complete pool; in `standby` until told `accept`.
    case ready
    /// Now accepting on the listening socket.
    case accepting
    /// The worker's copy of the listening socket is closed; the next generation may accept.
    case acceptingStopped
    /// Answer to `ping` with its `seq`.
    case pong(seq: UInt64)
    case stats(WorkerStats)
    /// The token endpoint answered (or the call failed): the call no longer counts against
    /// `refresh-concurrency`. Sent before the result is journaled; the result follows.
    case refreshAnswered(requestID: String)
    /// Sent only after the result is durable in `pending/` (provisional payload).
    case refreshResult(RefreshResult)
    /// Provisional payload.
    case quotaResult(QuotaResult)
    /// Provisional payload.
    case outcome(Outcome)
    /// A well-formed message of a type this build does not know; count it and ignore it.
    case unknown(type: String)

    /// The `"type"` on the wire.
    public var wireType: String {
        switch self {
        case .hello: Kind.hello.rawValue
        case .ready: Kind.ready.rawValue
        case .accepting: Kind.accepting.rawValue
        case .acceptingStopped: Kind.acceptingStopped.rawValue
        case .pong: Kind.pong.rawValue
        case .stats: Kind.stats.rawValue
        case .refreshAnswered: Kind.refreshAnswered.rawValue
        case .refreshResult: Kind.refreshResult.rawValue
        case .quotaResult: Kind.quotaResult.rawValue
        case .outcome: Kind.outcome.rawValue
        case .unknown(let type): type
        }
    }

    enum Kind: String {
        case hello, ready, accepting, pong, stats, outcome
        case acceptingStopped = "accepting_stopped"
        case refreshResult = "refresh_result", quotaResult = "quota_result"
        case refreshAnswered = "refresh_answered"
    }

    enum Key: String, CodingKey {
        case seq
        case requestID = "request_id"
    }
}

extension WorkerMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let type = try MessageEnvelope.type(from: decoder)
        guard let kind = Kind(rawValue: type) else {
            self = .unknown(type: type)
            return
        }
        self = try MessageEnvelope.payload(of: type) { try Self.decode(kind, from: decoder) }
    }

    private static func decode(_ kind: Kind, from decoder: any Decoder) throws -> Self {
        switch kind {
        case .hello: return .hello(try Hello(from: decoder))
        case .ready: return .ready
        case .accepting: return .accepting
        case .acceptingStopped: return .acceptingStopped
        case .pong: return .pong(seq: try decoder.container(keyedBy: Key.self).decode(UInt64.self, forKey: .seq))
        case .stats: return .stats(try WorkerStats(from: decoder))
        case .refreshAnswered:
            return .refreshAnswered(requestID: try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .requestID))
        case .refreshResult: return .refreshResult(try RefreshResult(from: decoder))
        case .quotaResult: return .quotaResult(try QuotaResult(from: decoder))
        case .outcome: return .outcome(try Outcome(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try MessageEnvelope.encode(type: wireType, to: encoder)
        switch self {
        case .hello(let hello): try hello.encode(to: encoder)
        case .ready, .accepting, .acceptingStopped, .unknown: break
        case .pong(let seq):
            var fields = encoder.container(keyedBy: Key.self)
            try fields.encode(seq, forKey: .seq)
        case .stats(let stats): try stats.encode(to: encoder)
        case .refreshAnswered(let requestID):
            var fields = encoder.container(keyedBy: Key.self)
            try fields.encode(requestID, forKey: .requestID)
        case .refreshResult(let result): try result.encode(to: encoder)
        case .quotaResult(let result): try result.encode(to: encoder)
        case .outcome(let outcome): try outcome.encode(to: encoder)
        }
    }
}

extension WorkerMessage: CustomStringConvertible {
    /// Safe to log: the wire type and a summary, never a token or a response body.
    public var description: String {
        switch self {
        case .hello(let hello): "hello(\(hello))"
        case .pong(let seq): "pong(seq: \(seq))"
        case .stats(let stats): "stats(in_flight: \(stats.inFlight), requests_total: \(stats.requestsTotal))"
        case .refreshAnswered(let requestID): "refresh_answered(request_id: \(requestID))"
        case .refreshResult(let result): "refresh_result(\(result))"
        case .quotaResult(let result): "quota_result(\(result))"
        case .outcome(let outcome):
            "outcome(account_id: \(outcome.accountID), http_status: \(outcome.httpStatus), error_code: \(outcome.errorCode ?? "-"))"
        case .ready, .accepting, .acceptingStopped, .unknown: wireType
        }
    }
}
