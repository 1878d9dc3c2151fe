/// Builds the JSON array answer of `streamGenerateContent` without `alt=sse` (Google's
/// default: one array of response chunks) from the upstream's event stream, which the worker
/// always asks for (`alt=sse`) so that one unwrapping path serves both forms.
public struct GeminiArrayCollector: Sendable {
    private var scanner = SSEScanner()
    private var out: [UInt8] = [UInt8(ascii: "[")]
    private var count = 0

    public init() {}

    /// Takes unwrapped SSE bytes (see `GeminiStreamUnwrapper`).
    public mutating func feed(_ chunk: [UInt8]) {
        scanner.append(chunk)
        while let event = scanner.next() { append(event) }
    }

    /// The whole array, once the stream ended.
    public mutating func finish() -> [UInt8] {
        if let last = scanner.finishEvent() { append(last) }
        return out + [UInt8(ascii: "]")]
    }

    private mutating func append(_ event: SSEScanner.Event) {
        guard !event.data.isEmpty else { return }
        if count > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: event.data)
        count += 1
    }
}
