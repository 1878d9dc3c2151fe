import SwitchyardCore
import SwitchyardStore

/// One worker row (W of SPEC §2). Every key is always written: `pid` is `null` until the
/// spawned process has one, so a script can rely on the shape.
public struct WorkerRow: Codable, Sendable, Equatable {
    public var provider: String
    public var pid: Int32?
    public var state: WorkerState
    public var generation: Int
    public var restarts: Int
    public var listen: String

    // Written by hand: the synthesized encoder leaves a nil optional out instead of writing null.
    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(provider, forKey: .provider)
        try fields.encode(pid, forKey: .pid)
        try fields.encode(state, forKey: .state)
        try fields.encode(generation, forKey: .generation)
        try fields.encode(restarts, forKey: .restarts)
        try fields.encode(listen, forKey: .listen)
    }
}

/// Accounts of one provider by derived state.
public struct StateCounts: Codable, Sendable, Equatable {
    public var active = 0, cooling = 0, expired = 0, failing = 0, disabled = 0

    mutating func count(_ state: AccountState) {
        switch state {
        case .active: active += 1
        case .cooling: cooling += 1
        case .expired: expired += 1
        case .failing: failing += 1
        case .disabled: disabled += 1
        }
    }
}

/// `status --json` and `GET /v0/status` (SPEC §2). Every key is always written.
public struct StatusReport: Codable, Sendable, Equatable {
    public var pid: Int32
    public var uptimeSeconds: Int
    public var config: String
    /// The management API's bound address; `null` before it listens.
    public var management: String?
    public var workers: [WorkerRow]
    public var providers: [String: StateCounts]
    public var problems: [StoreProblem]

    // Written by hand: the synthesized encoder leaves a nil optional out instead of writing null.
    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(pid, forKey: .pid)
        try fields.encode(uptimeSeconds, forKey: .uptimeSeconds)
        try fields.encode(config, forKey: .config)
        try fields.encode(management, forKey: .management)
        try fields.encode(workers, forKey: .workers)
        try fields.encode(providers, forKey: .providers)
        try fields.encode(problems, forKey: .problems)
    }
}
