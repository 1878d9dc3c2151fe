import Foundation
import Hummingbird

/// Building responses. Bodies are provider wire formats written out literally (as `JSON`
/// values) in the shape files, not Swift models.
enum Reply {
    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> Response {
        raw(status, Data(value.text.utf8), contentType: "application/json", headers: headers)
    }

    static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8",
                     headers: [(String, String)] = []) -> Response {
        raw(status, Data(text.utf8), contentType: contentType, headers: headers)
    }

    static func empty(_ status: Int, headers: [(String, String)] = []) -> Response {
        Response(status: statusValue(status), headers: fields(headers))
    }

    static func raw(_ status: Int, _ data: Data, contentType: String, headers: [(String, String)]) -> Response {
        var all = fields(headers)
        all[.contentType] = contentType
        return Response(status: statusValue(status), headers: all, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An event stream. `gap` separates events; with `cut` only the first half is sent and the
    /// connection is then dropped without ending the chunked body, as when an upstream dies mid-stream.
    static func sse(_ chunks: [String], gap: Duration = .zero, cut: Bool = false,
                    headers: [(String, String)] = []) -> Response {
        var all = fields(headers)
        all[.contentType] = "text/event-stream"
        all[.cacheControl] = "no-cache"
        let sent = cut ? Array(chunks.prefix(max(1, chunks.count / 2))) : chunks
        let body = ResponseBody { writer in
            StreamCounters.opened()
            do {
                for (index, chunk) in sent.enumerated() {
                    if index > 0, gap > .zero { try await Task.sleep(for: gap) }
                    try await writer.write(ByteBuffer(string: chunk))
                }
            } catch {
                // The write (or the sleep, cancelled with the connection) failed: the client left.
                StreamCounters.closed(byClient: true)
                throw error
            }
            StreamCounters.closed(byClient: false)
            if cut { throw StreamCut() }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: all, body: body)
    }

    /// A 200 whose body stops halfway and whose connection is then dropped (`stream_cut` on a
    /// non-streaming request).
    static func truncated(_ data: Data, contentType: String, headers: [(String, String)] = []) -> Response {
        var all = fields(headers)
        all[.contentType] = contentType
        let half = ByteBuffer(bytes: data.prefix(max(1, data.count / 2)))
        let body = ResponseBody { writer in
            try await writer.write(half)
            throw StreamCut()
        }
        return Response(status: .ok, headers: all, body: body)
    }

    /// One SSE event with a `event:` line (Claude, Codex).
    static func event(_ name: String, _ value: JSON) -> String {
        "event: \(name)\ndata: \(value.text)\n\n"
    }

    /// One SSE event with only a `data:` line, CRLF-terminated like Google's `alt=sse`.
    static func dataEvent(_ value: JSON) -> String {
        "data: \(value.text)\r\n\r\n"
    }

    static func statusValue(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 529: HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded")
        default: HTTPResponse.Status(code: code)
        }
    }

    static func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }
}

extension Response {
    /// A copy with one more header.
    func with(header name: String, _ value: String) -> Response {
        var copy = self
        if let fieldName = HTTPField.Name(name) { copy.headers[fieldName] = value }
        return copy
    }
}

/// HTTPTypes' field type, reached through the `HTTPFields` that Hummingbird re-exports.
typealias HTTPField = HTTPFields.Element

/// Thrown from a stream body to drop the connection mid-stream.
struct StreamCut: Error, CustomStringConvertible {
    var description: String { "stream cut by the simulator (stream_cut behaviour)" }
}
