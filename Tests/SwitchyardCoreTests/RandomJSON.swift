import Foundation

@testable import SwitchyardCore

extension JSONValue {
    /// A random document, at most five levels deep, for tests that compare JSON readers and
    /// writers. Strings mix escapes, control characters and multi-byte text; keys include
    /// ones whose sort order is easy to get wrong. With `integralDoubles` false every double has
    /// a fraction, so that it reads back as a `.double` (an integral one reads back as `.int`).
    static func random(depth: Int = 0, integralDoubles: Bool, _ random: inout SplitMix64) -> JSONValue {
        let pick = depth > 3 ? random.next() % 5 : random.next() % 7
        switch pick {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 63))
        case 3:
            let mantissa = Double(Int64(bitPattern: random.next()) % 1_000_000) / 1024
            guard integralDoubles else { return .double(mantissa + 0.5) }
            return .double(mantissa * pow(10, Double(Int(random.next() % 41) - 20)))
        case 4:
            let alphabet = Array("aZ_ \"\\/\n\r\t\u{8}\u{c}é世😀\u{01}\u{1f}\u{7f}")
            return .string(String((0..<Int(random.next() % 10)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        case 5:
            return .array((0..<Int(random.next() % 4)).map { _ in
                JSONValue.random(depth: depth + 1, integralDoubles: integralDoubles, &random)
            })
        default:
            var members: [String: JSONValue] = [:]
            let names = ["k", "K", "_k", "k_1", "k10", "k2", "é", "a-b", "a.b"]
            for _ in 0..<Int(random.next() % 5) {
                members[names[Int(random.next() % UInt64(names.count))]] =
                    JSONValue.random(depth: depth + 1, integralDoubles: integralDoubles, &random)
            }
            return .object(members)
        }
    }
}
