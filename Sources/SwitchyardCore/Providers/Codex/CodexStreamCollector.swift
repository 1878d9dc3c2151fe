/// Turns the Codex upstream's event stream into one JSON answer, for clients that asked for
/// `"stream": false`: the upstream streams only (SPEC §8), so the worker asks for a stream and
/// answers with the final response object of `response.completed` (or `response.incomplete`).
public struct CodexStreamCollector: Sendable {
    public enum Outcome: Sendable, Equatable {
        case collecting
        /// The final response object, to answer with as `application/json`.
        case finished([UInt8])
        /// `response.failed` or `error`: the JSON holding the error, for classification.
        case failed(payload: [UInt8])
        /// The stream ended before a final event (the upstream went away).
        case incomplete
    }

    private var scanner = SSEScanner()

    public init() {}

    public mutating func feed(_ chunk: [UInt8]) -> Outcome {
        scanner.append(chunk)
        while let event = scanner.next() {
            if let outcome = Self.outcome(of: event) { return outcome }
        }
        return .collecting
    }

    /// The stream ended; a last event without its blank line still counts.
    public mutating func finish() -> Outcome {
        scanner.finishEvent().flatMap(Self.outcome) ?? .incomplete
    }

    /// What one event ends the stream with; nil for the events before the final one.
    private static func outcome(of event: SSEScanner.Event) -> Outcome? {
        // Looked for in the final events only: every delta would copy it for nothing.
        var response: [UInt8]? {
            JSONSpan.valueRange(ofMember: "response", in: event.data).map { Array(event.data[$0]) }
        }
        switch event.type {
        case "response.completed", "response.incomplete":
            if let response { return .finished(response) }
            return .failed(payload: Array(event.data))
        case "response.failed":
            return .failed(payload: response ?? Array(event.data))
        case "error":
            return .failed(payload: Array(event.data))
        default:
            return nil
        }
    }
}
