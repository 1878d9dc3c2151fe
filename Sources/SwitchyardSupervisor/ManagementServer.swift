import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardCore

/// The management HTTP API (SPEC §9) on `management.listen`. This first version serves
/// `/healthz`, `/v0/status`, `/v0/workers` and the account reads; the rest of §9 (writes,
/// events, metrics, the page) builds on the same `Supervisor.handle` used by `control.sock`.
enum ManagementServer {
    /// A started management server.
    struct Running: Sendable {
        let address: String
        fileprivate let group: ServiceGroup

        /// Stops accepting and lets open requests finish.
        func stop() async { await group.triggerGracefulShutdown() }
    }

    /// Starts serving and returns once it listens.
    static func start(host: String, port: Int, key: String, supervisor: Supervisor, logger: Logger) async throws -> Running {
        let router = Router()
        router.get("/healthz") { _, _ in #"{"status":"ok"}"# }
        let api = router.group("v0")
        if !key.isEmpty { api.add(middleware: BearerKeyMiddleware(key: key)) }
        api.get("status") { _, _ in try await json(supervisor.handle(.init(command: .status))) }
        api.get("workers") { _, _ in try await json(supervisor.handle(.init(command: .workersList))) }
        api.get("accounts") { request, _ in
            try await json(supervisor.handle(.init(
                command: .accountsList, provider: request.uri.queryParameters["provider"].map(String.init),
                state: request.uri.queryParameters["state"].map(String.init))))
        }
        api.get("accounts/:id") { _, context in
            try await json(supervisor.handle(.init(command: .accountsShow, id: context.parameters.get("id"))))
        }
        let (bound, boundContinuation) = AsyncStream<String>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? port
                boundContinuation.yield(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
                boundContinuation.finish()
            },
            logger: Logger(label: "management"))
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        Task {
            do { try await group.run() } catch { logger.error("management API stopped", metadata: ["error": "\(error)"]) }
            boundContinuation.finish()
        }
        var iterator = bound.makeAsyncIterator()
        guard let address = await iterator.next() else {
            throw ListeningSocket.BindError.system("\(host):\(port)", "the management API did not start")
        }
        return Running(address: address, group: group)
    }

    private static func json(_ response: ControlResponse) throws -> Response {
        let status: HTTPResponse.Status
        let body: JSONValue
        if response.ok {
            status = .ok
            body = response.result ?? .object([:])
        } else {
            switch response.code {
            case "not_found": status = .notFound
            case "conflict": status = .conflict
            case "invalid_request": status = .badRequest
            default: status = .internalServerError
            }
            body = .object(["error": .object(["code": .string(response.code ?? "failed"), "message": .string(response.error ?? "")])])
        }
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `Authorization: Bearer <management.key>`, compared in constant time.
struct BearerKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        guard constantTimeEquals(presented, key) else {
            let body = #"{"error":{"code":"unauthorized","message":"missing or wrong management key"}}"#
            return Response(status: .unauthorized, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return try await next(request, context)
    }
}
