/// Everything the supervisor sends a worker (SPEC §4). See docs/protocol.md for the sequences
/// and an example line of each.
public enum SupervisorMessage: Sendable, Equatable {
    /// The worker's configuration; first after `hello`, again after every reload.
    case config(WorkerConfig)
    /// Empties the worker's pool; exactly `total` accounts follow in `pool_upsert` lines, and
    /// the pool is complete (the worker may report `ready`) once they have all arrived.
    case poolReset(total: Int)
    /// Adds or replaces accounts by id (batched by `PoolBatcher`).
    case poolUpsert([PoolAccount])
    /// Drops accounts by id (disabled, deleted); unknown ids are ignored.
    case poolRemove(ids: [String])
    /// Start accepting on the inherited listening socket, then report `accepting`.
    case accept
    /// Close the worker's copy of the listening socket, then report `accepting_stopped`.
    case stopAccepting
    /// Stop accepting, finish what has begun, exit. `deadlineMs`: the time allowed from receipt,
    /// in milliseconds; `nil` = the configured drain timeout.
    case drain(deadlineMs: Int64?)
    /// Heartbeat; answered by `pong` with the same `seq`.
    case ping(seq: UInt64)
    /// Exchange a refresh token (provisional payload).
    case refresh(RefreshRequest)
    /// The refresh result with this request id is stored; the worker deletes its pending record.
    case refreshAck(requestID: String)
    /// Read an account's quota (provisional payload).
    case quota(QuotaRequest)
    /// A well-formed message of a type this build does not know; count it and ignore it.
    case unknown(type: String)

    /// The `"type"` on the wire.
    public var wireType: String {
        switch self {
        case .config: Kind.config.rawValue
        case .poolReset: Kind.poolReset.rawValue
        case .poolUpsert: Kind.poolUpsert.rawValue
        case .poolRemove: Kind.poolRemove.rawValue
        case .accept: Kind.accept.rawValue
        case .stopAccepting: Kind.stopAccepting.rawValue
        case .drain: Kind.drain.rawValue
        case .ping: Kind.ping.rawValue
        case .refresh: Kind.refresh.rawValue
        case .refreshAck: Kind.refreshAck.rawValue
        case .quota: Kind.quota.rawValue
        case .unknown(let type): type
        }
    }

    enum Kind: String {
        case config, accept, drain, ping, refresh, quota
        case poolReset = "pool_reset", poolUpsert = "pool_upsert", poolRemove = "pool_remove"
        case stopAccepting = "stop_accepting", refreshAck = "refresh_ack"
    }

    enum Key: String, CodingKey {
        case total, accounts, ids, seq
        case deadlineMs = "deadline_ms"
        case requestID = "request_id"
    }
}

extension SupervisorMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let type = try MessageEnvelope.type(from: decoder)
        guard let kind = Kind(rawValue: type) else {
            self = .unknown(type: type)
            return
        }
        self = try MessageEnvelope.payload(of: type) { try Self.decode(kind, from: decoder) }
    }

    private static func decode(_ kind: Kind, from decoder: any Decoder) throws -> Self {
        let fields = try decoder.container(keyedBy: Key.self)
        switch kind {
        case .config: return .config(try WorkerConfig(from: decoder))
        case .poolReset: return .poolReset(total: try fields.decode(Int.self, forKey: .total))
        case .poolUpsert: return .poolUpsert(try fields.decode([PoolAccount].self, forKey: .accounts))
        case .poolRemove: return .poolRemove(ids: try fields.decode([String].self, forKey: .ids))
        case .accept: return .accept
        case .stopAccepting: return .stopAccepting
        case .drain: return .drain(deadlineMs: try fields.decodeIfPresent(Int64.self, forKey: .deadlineMs))
        case .ping: return .ping(seq: try fields.decode(UInt64.self, forKey: .seq))
        case .refresh: return .refresh(try RefreshRequest(from: decoder))
        case .refreshAck: return .refreshAck(requestID: try fields.decode(String.self, forKey: .requestID))
        case .quota: return .quota(try QuotaRequest(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try MessageEnvelope.encode(type: wireType, to: encoder)
        var fields = encoder.container(keyedBy: Key.self)
        switch self {
        case .config(let config): try config.encode(to: encoder)
        case .poolReset(let total): try fields.encode(total, forKey: .total)
        case .poolUpsert(let accounts): try fields.encode(accounts, forKey: .accounts)
        case .poolRemove(let ids): try fields.encode(ids, forKey: .ids)
        case .accept, .stopAccepting, .unknown: break
        case .drain(let deadlineMs): try fields.encodeIfPresent(deadlineMs, forKey: .deadlineMs)
        case .ping(let seq): try fields.encode(seq, forKey: .seq)
        case .refresh(let request): try request.encode(to: encoder)
        case .refreshAck(let requestID): try fields.encode(requestID, forKey: .requestID)
        case .quota(let request): try request.encode(to: encoder)
        }
    }
}

extension SupervisorMessage: CustomStringConvertible {
    /// Safe to log: the wire type and a summary, never a token.
    public var description: String {
        switch self {
        case .config(let config): "config(\(config))"
        case .poolReset(let total): "pool_reset(total: \(total))"
        case .poolUpsert(let accounts): "pool_upsert(\(accounts.count) accounts)"
        case .poolRemove(let ids): "pool_remove(\(ids.joined(separator: ", ")))"
        case .drain(let deadlineMs): "drain(deadline_ms: \(deadlineMs.map(String.init) ?? "default"))"
        case .ping(let seq): "ping(seq: \(seq))"
        case .refresh(let request): "refresh(\(request))"
        case .refreshAck(let requestID): "refresh_ack(request_id: \(requestID))"
        case .quota(let request): "quota(request_id: \(request.requestID), account_id: \(request.accountID))"
        case .accept, .stopAccepting, .unknown: wireType
        }
    }
}
