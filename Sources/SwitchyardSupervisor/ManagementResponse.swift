import Foundation
import Hummingbird
import NIOCore
import SwitchyardCore

/// The management API's JSON answers; errors as `{"error":{"code","message"}}` with SPEC §9's
/// code for the status.
enum ManagementResponse {
    static func error(_ status: HTTPResponse.Status, code: String? = nil, message: String) -> Response {
        let body = JSONValue.object(["error": .object([
            "code": .string(code ?? Self.code(for: status)), "message": .string(message),
        ])])
        return json(status, body)
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: return "unauthorized"
        case 404: return "not_found"
        case 409: return "conflict"
        case 400..<500: return "invalid_request"
        default: return "failed"
        }
    }
}
