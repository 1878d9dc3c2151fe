/// SPEC §4: unknown message types are ignored and counted — a newer peer may send types this
/// one does not know, and that must neither break the connection nor pass unnoticed.
/// The first of each type is worth a warning; later ones only raise its count. Bounded: a
/// peer inventing types without end shares one count past `maximumTypes`.
public struct UnknownMessageCounter: Sendable {
    public static let maximumTypes = 64
    public static let overflowType = "(other)"
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// Counts one message of `type`; returns its count so far (1 = the first of its kind).
    public mutating func record(_ type: String) -> Int {
        let key = counts[type] != nil || counts.count < Self.maximumTypes ? type : Self.overflowType
        counts[key, default: 0] += 1
        return counts[key]!
    }

    public var total: Int { counts.values.reduce(0, +) }
}
