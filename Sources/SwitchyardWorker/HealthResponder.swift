import HTTPTypes
import HummingbirdCore
import NIOCore
import Synchronization

/// Answers the worker's own endpoints. For now: `GET /healthz`; the provider APIs of
/// SPEC §8 plug in here with the data path.
struct WorkerResponder: Sendable {
    let provider: String
    let generation: Int
    let pid: Int32
    let poolSize: SharedCounter

    func respond(_ request: Request, _ writer: consuming ResponseWriter) async throws {
        let status: HTTPResponse.Status
        let body: String
        if request.uri.path == "/healthz" && (request.method == .get || request.method == .head) {
            status = .ok
            body = #"{"status":"ok","provider":"\#(provider)","generation":\#(generation),"pid":\#(pid),"accounts":\#(poolSize.load())}"#
        } else {
            status = .notFound
            body = #"{"error":{"code":404,"message":"not found"}}"#
        }
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(body.utf8.count)
        try await writer.write(response: head, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// One integer shared between the control task (writer) and request handlers (readers).
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)
    init() {}
    func load() -> Int { value.load(ordering: .relaxed) }
    func store(_ newValue: Int) { value.store(newValue, ordering: .relaxed) }
}
