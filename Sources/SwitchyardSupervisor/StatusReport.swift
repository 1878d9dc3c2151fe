import SwitchyardCore
import SwitchyardStore

/// One worker row (W of SPEC §2).
public struct WorkerRow: Codable, Sendable, Equatable {
    public var provider: String
    public var pid: Int32?
    public var state: WorkerState
    public var generation: Int
    public var restarts: Int
    public var listen: String
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

/// `status --json` and `GET /v0/status` (SPEC §2).
public struct StatusReport: Codable, Sendable, Equatable {
    public var pid: Int32
    public var uptimeSeconds: Int
    public var config: String
    public var management: String?
    public var workers: [WorkerRow]
    public var providers: [String: StateCounts]
    public var problems: [StoreProblem]
}
