/// Why a protocol line could not be read as a message.
///
/// Each is a reason to close the connection (SPEC §4: "a non-JSON line … closes that
/// connection with a logged reason"); `description` is that logged reason. None of them quotes
/// the line, which may hold tokens. A well-formed line of an unknown `type` is not an error:
/// it decodes to `.unknown(type:)`, which the receiver counts and ignores.
public enum ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line is not a JSON object (not JSON at all, or an array, string, number …).
    case notJSON
    /// The object has no string `"type"` field.
    case missingType
    /// The line is not valid UTF-8.
    case invalidUTF8
    /// A known message type whose fields are missing or of the wrong kind.
    case badField(type: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON:
            "protocol line is not a JSON object"
        case .missingType:
            "protocol message has no string \"type\" field"
        case .invalidUTF8:
            "protocol line is not valid UTF-8"
        case .badField(let type, let reason):
            "bad \"\(type)\" message: \(reason)"
        }
    }
}

extension DecodingError {
    /// A short reason naming the offending field by its wire path, e.g. `missing accounts[3].id`.
    var wireReason: String {
        switch self {
        case .keyNotFound(let key, let context):
            "missing \(Self.path(context.codingPath + [key]))"
        case .valueNotFound(_, let context):
            "null \(Self.path(context.codingPath))"
        case .typeMismatch(let type, let context):
            "\(Self.path(context.codingPath)) is not \(Self.jsonKind(of: type))"
        case .dataCorrupted(let context):
            "\(Self.path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            "undecodable"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path.isEmpty ? "message" : path
    }

    private static func jsonKind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is any BinaryInteger.Type: "an integer in range"
        case is any BinaryFloatingPoint.Type: "a number"
        default: "the expected kind"
        }
    }
}
