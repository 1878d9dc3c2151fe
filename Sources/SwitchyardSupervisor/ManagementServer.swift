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
        /// The bound address as `host:port` (`[::1]:port` for IPv6): the address the listener
        /// got, not the configured text, so `localhost` shows as the IP it resolved to and
        /// port 0 as the real port.
        let address: String
        fileprivate let group: ServiceGroup

        /// Stops accepting and lets open requests finish.
        func stop() async { await group.triggerGracefulShutdown() }
    }

    /// Starts serving and returns once it listens. The key is read from `supervisor.managementAccess`
    /// on every request, so `reload` changes it without a restart.
    static func start(host: String, port: Int, supervisor: Supervisor, logger: Logger) async throws -> Running {
        let router = Router(context: ManagementRequestContext.self)
        // Before any route: router middleware wraps only the routes added after it, and the
        // key check must also guard the paths no route matches.
        router.add(middleware: ManagementErrorMiddleware())
        router.add(middleware: ManagementKeyMiddleware(
            box: supervisor.managementAccess, throttle: ManagementThrottleBox(), logger: logger))
        // JSON like every other answer here and like the workers' /healthz (SPEC §9).
        router.get("/healthz") { _, _ in ManagementResponse.json(.ok, .object(["status": .string("ok")])) }
        let api = router.group("v0")
        api.get("status") { _, _ in await json(supervisor.handle(.init(command: .status))) }
        api.get("workers") { _, _ in await json(supervisor.handle(.init(command: .workersList))) }
        api.get("accounts") { request, _ in
            await json(supervisor.handle(.init(
                command: .accountsList, provider: request.uri.queryParameters["provider"].map(String.init),
                state: request.uri.queryParameters["state"].map(String.init))))
        }
        api.get("accounts/:id") { _, context in
            await json(supervisor.handle(.init(command: .accountsShow, id: context.parameters.get("id"))))
        }
        let (bound, boundContinuation) = AsyncStream<String>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard"),
            onServerRunning: { channel in
                boundContinuation.yield(boundAddress(channel.localAddress, host: host, port: port))
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

    /// `host:port` of the listener; the configured text only if the channel cannot say.
    private static func boundAddress(_ local: SocketAddress?, host: String, port: Int) -> String {
        let host = local?.ipAddress ?? host
        let port = local?.port ?? port
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func json(_ response: ControlResponse) -> Response {
        guard !response.ok else { return ManagementResponse.json(.ok, response.result ?? .object([:])) }
        let status: HTTPResponse.Status
        switch response.code {
        case "not_found": status = .notFound
        case "conflict": status = .conflict
        case "invalid_request": status = .badRequest
        default: status = .internalServerError
        }
        return ManagementResponse.error(status, code: response.code ?? "failed", message: response.error ?? "")
    }
}
