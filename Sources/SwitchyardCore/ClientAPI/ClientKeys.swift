import Foundation

/// The keys API clients must present (`client-keys`, SPEC §3 and §8). Empty: none needed.
///
/// A key may come in `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or `?key=`; the
/// caller gathers those, this decides. Every configured key is compared in full, in time
/// that depends on the lengths only, so neither which key matched nor how much of one did
/// shows in the answer's timing.
public struct ClientKeys: Sendable {
    private let keys: [[UInt8]]

    public init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    public var required: Bool { !keys.isEmpty }

    /// Whether any presented value is one of the keys (always true when none are configured).
    public func accepts(_ presented: [String]) -> Bool {
        guard required else { return true }
        var matched = false
        for value in presented {
            let bytes = Array(value.utf8)
            for key in keys where Self.equal(bytes, key) { matched = true }
        }
        return matched
    }

    /// The credential in an `Authorization` header value: the part after `Bearer ` (any case).
    public static func bearer(_ authorization: String) -> String? {
        let prefix = "bearer "
        guard authorization.count > prefix.count,
              authorization.prefix(prefix.count).lowercased() == prefix else { return nil }
        return String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// Equality in time that depends on the lengths only.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for index in 0..<max(a.count, b.count) {
            difference |= Int((index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0))
        }
        return difference == 0
    }
}
