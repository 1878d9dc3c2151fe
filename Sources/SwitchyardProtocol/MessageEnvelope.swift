/// The parts of decoding shared by `SupervisorMessage` and `WorkerMessage`: every message is one
/// flat JSON object whose `"type"` names the case; struct payloads (hello, config, refresh …)
/// put their fields beside `"type"`, as SPEC §4's `hello` line does.
enum MessageEnvelope {
    struct TypeKey: CodingKey {
        static let type = TypeKey(stringValue: "type")
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The message's `"type"`; absent, null or not a string is `ProtocolError.missingType`.
    /// A non-object line fails here with a `DecodingError`, which `WireCodec` reports as `notJSON`.
    static func type(from decoder: any Decoder) throws -> String {
        let container = try decoder.container(keyedBy: TypeKey.self)
        guard let type = try? container.decodeIfPresent(String.self, forKey: .type) else {
            throw ProtocolError.missingType
        }
        return type
    }

    /// Runs a known type's payload decoding, turning field errors into `ProtocolError.badField`
    /// so the logged reason names the message type and the field.
    static func payload<Message>(of type: String, _ decode: () throws -> Message) throws -> Message {
        do {
            return try decode()
        } catch let error as DecodingError {
            throw ProtocolError.badField(type: type, reason: error.wireReason)
        } catch let error as ProtocolError {
            throw error
        } catch {
            // Foundation's JSONDecoder converts numbers lazily and throws its internal JSONError
            // (e.g. -1 or 1.5 for an unsigned integer) without naming the field.
            throw ProtocolError.badField(type: type, reason: "a number does not fit its field")
        }
    }

    /// Writes `"type"`; the caller then adds the payload's fields to the same object.
    static func encode(type: String, to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(type, forKey: .type)
    }
}
