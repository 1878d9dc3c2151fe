import Foundation
import NIOCore

/// Turns messages into protocol lines and lines back into messages (SPEC §4).
///
/// A line is one JSON object, UTF-8, with keys sorted and no raw newline (JSON escapes every
/// control character in strings), followed by `\n`. Decoding ignores unknown fields, so either
/// side may add optional fields without bumping `protocolVersion`; a new message type is
/// decoded as `.unknown(type:)` by an older peer.
public enum WireCodec {
    /// Sent in `hello`; the supervisor closes a connection whose worker speaks another version.
    public static let protocolVersion = 1

    /// At most this many bytes per line, not counting `\n` (SPEC §4: 1 MiB).
    public static let maxLineBytes = 1 << 20

    /// One line, `\n` included.
    public static func encode(_ message: SupervisorMessage) -> ByteBuffer {
        line(message)
    }

    /// One line, `\n` included.
    public static func encode(_ message: WorkerMessage) -> ByteBuffer {
        line(message)
    }

    /// Reads one line (without its `\n`, as the framer returns it).
    public static func decodeSupervisorMessage(_ line: some Collection<UInt8>) throws(ProtocolError) -> SupervisorMessage {
        try decode(SupervisorMessage.self, from: line)
    }

    public static func decodeSupervisorMessage(_ line: ByteBuffer) throws(ProtocolError) -> SupervisorMessage {
        try decode(SupervisorMessage.self, from: line.readableBytesView)
    }

    /// Reads one line (without its `\n`, as the framer returns it).
    public static func decodeWorkerMessage(_ line: some Collection<UInt8>) throws(ProtocolError) -> WorkerMessage {
        try decode(WorkerMessage.self, from: line)
    }

    public static func decodeWorkerMessage(_ line: ByteBuffer) throws(ProtocolError) -> WorkerMessage {
        try decode(WorkerMessage.self, from: line.readableBytesView)
    }

    // MARK: - Shared machinery

    // Explicit snake_case CodingKeys everywhere instead of a key strategy: a strategy would also
    // rewrite dictionary keys (upstream header names, model names), and `proxyURL` would not
    // round-trip through convertFromSnakeCase.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder = JSONDecoder()

    /// The JSON of `value`, no newline. Our wire types hold only strings, integers, booleans,
    /// arrays and string-keyed dictionaries, which always encode; a failure is a programming
    /// error in a wire type.
    static func json(_ value: some Encodable) -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            preconditionFailure("wire types always encode to JSON: \(error)")
        }
    }

    /// Appends the JSON of `value` and `\n` to `buffer`.
    static func writeLine(_ value: some Encodable, into buffer: inout ByteBuffer) {
        buffer.writeBytes(json(value))
        buffer.writeInteger(LineBound.newline)
    }

    private static func line(_ value: some Encodable) -> ByteBuffer {
        let data = json(value)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + 1)
        buffer.writeBytes(data)
        buffer.writeInteger(LineBound.newline)
        return buffer
    }

    private static func decode<Message: Decodable>(
        _ type: Message.Type, from line: some Collection<UInt8>
    ) throws(ProtocolError) -> Message {
        let data = Data(line)
        // Checked up front: Foundation's JSONDecoder lets invalid UTF-8 through inside strings.
        guard isValidUTF8(data) else { throw .invalidUTF8 }
        do {
            return try decoder.decode(Message.self, from: data)
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw .notJSON
        }
    }

    /// Validates without building a `String`: a pool line may be a whole MiB.
    private static func isValidUTF8(_ data: Data) -> Bool {
        if !data.contains(where: { $0 >= 0x80 }) { return true }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
