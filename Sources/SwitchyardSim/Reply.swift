import Foundation
import Hummingbird

/// Building responses. JSON goes through JSONSerialization because the shapes are provider
/// wire formats written out literally in the route files, not Swift models.
enum Reply {
    static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data()
        return raw(status, data, contentType: "application/json", headers: headers)
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
            for (index, chunk) in sent.enumerated() {
                if index > 0, gap > .zero { try await Task.sleep(for: gap) }
                try await writer.write(ByteBuffer(string: chunk))
            }
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
    static func event(_ name: String, _ object: Any) -> String {
        "event: \(name)\ndata: \(encode(object))\n\n"
    }

    /// One SSE event with only a `data:` line, CRLF-terminated like Google's `alt=sse`.
    static func dataEvent(_ object: Any) -> String {
        "data: \(encode(object))\r\n\r\n"
    }

    static func encode(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
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

/// HTTPTypes' field type, reached through the `HTTPFields` that Hummingbird re-exports.
typealias HTTPField = HTTPFields.Element

/// Thrown from a stream body to drop the connection mid-stream.
struct StreamCut: Error, CustomStringConvertible {
    var description: String { "stream cut by the simulator (stream_cut behaviour)" }
}

/// A number for JSON: whole values are written without a fraction (`42`, not `42.0`), as the
/// providers do.
func jsonNumber(_ value: Double) -> Any {
    value.rounded() == value && abs(value) < 1e15 ? Int(value) : value
}
