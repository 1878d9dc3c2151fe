import Foundation

/// One file in `<state-dir>/pending/`: a refresh result as the worker reported it, plus the
/// provider, so that a starting supervisor can apply it without the worker (SPEC §1).
public struct PendingRecord: Codable, Sendable, Equatable {
    public var provider: String
    public var result: RefreshResult

    public init(provider: String, result: RefreshResult) {
        self.provider = provider
        self.result = result
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    public static func decode(_ data: Data) throws -> PendingRecord {
        try JSONDecoder().decode(PendingRecord.self, from: data)
    }
}
