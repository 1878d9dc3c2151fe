/// The Code Assist envelope around Gemini API bodies (PROVIDERS.md "API (Code Assist)"):
/// requests go up as `{"model":…,"project":…,"request":<the client's body>}` and answers come
/// back as `{"response":<the Gemini API answer>,…}`, for JSON and for each SSE event.
///
/// Done by splicing bytes (see `JSONSpan`): the client's body is placed inside the envelope
/// as it is, so its `session_id` member becomes `request.session_id` (SPEC §8) untouched.
public enum GeminiEnvelope {
    /// The upstream body for a client body that is a JSON object (check with
    /// `isObject` first). `project` is left out while it is still unknown.
    public static func wrap(_ body: [UInt8], model: String, project: String?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + model.utf8.count + (project?.utf8.count ?? 0) + 40)
        out.append(contentsOf: #"{"model":"#.utf8)
        appendString(model, to: &out)
        if let project {
            out.append(contentsOf: #","project":"#.utf8)
            appendString(project, to: &out)
        }
        out.append(contentsOf: #","request":"#.utf8)
        out.append(contentsOf: body)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The upstream body of `countTokens`, which Code Assist takes as
    /// `{"request":{"model":"models/<model>",…the client's members…}}` (no project).
    public static func wrapCountTokens(_ body: [UInt8], model: String) -> [UInt8] {
        var inner = body
        if JSONSpan.valueRange(ofMember: "model", in: body) == nil, let open = body.firstIndex(of: UInt8(ascii: "{")) {
            var member: [UInt8] = Array(#""model":"#.utf8)
            appendString("models/" + model, to: &member)
            let hasMembers = JSONSpan.members(of: body).map { !$0.isEmpty } ?? true
            if hasMembers { member.append(UInt8(ascii: ",")) }
            inner.insert(contentsOf: member, at: open + 1)
        }
        return Array(#"{"request":"#.utf8) + inner + [UInt8(ascii: "}")]
    }

    public static func isObject(_ body: [UInt8]) -> Bool { JSONSpan.looksLikeObject(body) }

    /// The inner `response` of an upstream answer, or the answer unchanged when it has none
    /// (an error body is passed on as Google sent it).
    public static func unwrap(_ body: [UInt8]) -> [UInt8] {
        guard let range = JSONSpan.valueRange(ofMember: "response", in: body) else { return body }
        return Array(body[range])
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Unwraps a Code Assist SSE stream event by event as chunks arrive: each complete line
/// `data: {"response":…}` leaves as `data: <the response>`; other lines pass unchanged.
/// Holds back only an incomplete last line, so events reach the client as soon as they end.
public struct GeminiStreamUnwrapper: Sendable {
    private var partial: [UInt8] = []

    public init() {}

    /// The bytes to send on for `chunk`.
    public mutating func feed(_ chunk: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count)
        var lineStart = 0
        for (index, byte) in chunk.enumerated() where byte == UInt8(ascii: "\n") {
            if partial.isEmpty {
                emit(chunk[lineStart...index], into: &out)
            } else {
                partial.append(contentsOf: chunk[lineStart...index])
                emit(partial[...], into: &out)
                partial.removeAll(keepingCapacity: true)
            }
            lineStart = index + 1
        }
        if lineStart < chunk.count { partial.append(contentsOf: chunk[lineStart...]) }
        return out
    }

    /// Whatever is left at the end of the stream (a last line without a newline).
    public mutating func finish() -> [UInt8] {
        defer { partial.removeAll() }
        var out: [UInt8] = []
        if !partial.isEmpty { emit(partial[...], into: &out) }
        return out
    }

    private static let dataPrefix = Array("data:".utf8)

    private func emit(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        guard line.starts(with: Self.dataPrefix) else {
            out.append(contentsOf: line)
            return
        }
        var payloadStart = line.startIndex + Self.dataPrefix.count
        if payloadStart < line.endIndex, line[payloadStart] == UInt8(ascii: " ") { payloadStart += 1 }
        var payloadEnd = line.endIndex
        while payloadEnd > payloadStart, line[payloadEnd - 1] == UInt8(ascii: "\n") || line[payloadEnd - 1] == UInt8(ascii: "\r") {
            payloadEnd -= 1
        }
        let payload = Array(line[payloadStart..<payloadEnd])
        out.append(contentsOf: Array("data: ".utf8))
        out.append(contentsOf: GeminiEnvelope.unwrap(payload))
        out.append(contentsOf: line[payloadEnd...])
    }
}
