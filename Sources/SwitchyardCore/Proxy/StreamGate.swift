/// Holds back the start of a 2xx event stream until its first content event, so that an
/// error the upstream reports inside the stream before any content (Claude's `error` event
/// with `overloaded_error`, Codex's `response.failed` with `server_is_overloaded`) can still
/// be retried on another account: nothing has reached the client yet (SPEC §6.4, §8).
///
/// Once content shows, everything held is released and the gate is out of the way: the
/// worker forwards the rest untouched.
public struct StreamGate: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Keep holding; nothing to send yet.
        case hold
        /// Send these bytes (everything held so far) and stop asking the gate.
        case release([UInt8])
        /// An error before any content. `payload` is the error's JSON (for classification);
        /// `held` is every byte held, for the client should the error be passed on.
        case failed(payload: [UInt8], held: [UInt8])
    }

    /// Past this many held bytes the stream is released anyway: a preamble is a few hundred
    /// bytes, and a client must never wait on an unbounded buffer.
    public static let holdLimit = 64 * 1024

    private let provider: Provider
    private var scanner = SSEScanner()
    /// Every byte fed so far: what the client gets once the gate opens.
    private var held: [UInt8] = []

    public init(provider: Provider) {
        self.provider = provider
    }

    public mutating func feed(_ chunk: [UInt8]) -> Verdict {
        held.append(contentsOf: chunk)
        scanner.append(chunk)
        while let event = scanner.next() {
            switch Self.kind(of: event, provider: provider) {
            case .preamble: continue
            case .content: return release()
            case .error(let payload): return .failed(payload: payload, held: held)
            }
        }
        if held.count > Self.holdLimit { return release() }
        return .hold
    }

    /// The stream ended while held (only preamble events, or none): release what there is.
    public mutating func finish() -> [UInt8] {
        held
    }

    private mutating func release() -> Verdict {
        defer { held = [] }
        return .release(held)
    }

    enum Kind: Equatable {
        case preamble, content
        case error(payload: [UInt8])
    }

    /// What one event is, per provider. Unknown events count as content: holding them back
    /// would only delay the client.
    static func kind(of event: SSEScanner.Event, provider: Provider) -> Kind {
        switch provider {
        case .claude:
            switch event.type {
            case "message_start", "ping": return .preamble
            case "error": return .error(payload: Array(event.data))
            default: return .content
            }
        case .codex:
            switch event.type {
            case "response.created", "response.in_progress": return .preamble
            case "response.failed":
                // The error sits in the response object: classify that.
                let response = JSONSpan.valueRange(ofMember: "response", in: event.data).map { event.data[$0] }
                return .error(payload: Array(response ?? event.data))
            case "error": return .error(payload: Array(event.data))
            default: return .content
            }
        case .gemini:
            // Google streams carry no preamble; an event that is an error object is one.
            if JSONSpan.valueRange(ofMember: "error", in: event.data) != nil { return .error(payload: Array(event.data)) }
            return event.data.isEmpty ? .preamble : .content
        }
    }
}
