import Foundation

/// Any JSON value, kept exactly enough to write it back: account files keep the fields
/// Switchyard does not know (SPEC §5), and listings build the "A" view from it.
///
/// Numbers: a number that fits `Int64` is `.int` and is written back without a fraction, so
/// integers (timestamps, counters) round-trip as integers; any other number is `.double`.
/// JSON does not distinguish `1.0` from `1`, so `1.0` reads back as `.int(1)`.
/// A non-finite `.double` (NaN, ±infinity) has no JSON form and is written as `null`.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most values in account files are strings, then integers: trying them first keeps
        // failed (allocating) attempts rare.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value):
            if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// MARK: - Reading and writing JSON text

extension JSONValue {
    /// Parses JSON text (any top-level value); see `JSONValueParser`.
    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { bytes throws -> JSONValue in try JSONValueParser.parse(bytes) }
    }

    /// Parses JSON text (any top-level value) from bytes.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { bytes throws -> JSONValue in try JSONValueParser.parse(bytes) }
    }

    /// JSON text for this value. `sortedKeys` makes the output stable (account files, tests);
    /// `pretty` indents with two spaces. Slashes are not escaped (URLs stay readable). The
    /// same bytes as Foundation's `JSONEncoder` with those options (`JSONValueWriter`).
    public func serialized(pretty: Bool = false, sortedKeys: Bool = true) -> Data {
        Data(JSONValueWriter.write(self, pretty: pretty, sortedKeys: sortedKeys))
    }

    /// `serialized` as bytes.
    public func serializedBytes(pretty: Bool = false, sortedKeys: Bool = true) -> [UInt8] {
        JSONValueWriter.write(self, pretty: pretty, sortedKeys: sortedKeys)
    }
}

// MARK: - Typed access

extension JSONValue {
    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// An integer; also a `.double` with an integral value that fits `Int64`.
    public var int64Value: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// Any number as a `Double`.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

// MARK: - Literals (tests and fixed documents read naturally)

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// A repeated key keeps its last value, as JSON parsers do.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
