import Hummingbird
import SwitchyardCore

/// The key check of SPEC §9. Added to the router before any route, so it also runs for
/// paths no route matches: without the key, an unknown `/v0/…` path is a 401, not a 404.
struct ManagementKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let box: ManagementAccessBox

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard box.access.allows(path: request.uri.path, authorization: request.headers[.authorization]) else {
            var response = ManagementResponse.error(.unauthorized, message: "missing or wrong management key")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

/// Errors the router raises itself (no such route, a route without that method) in SPEC §9's
/// shape; Hummingbird would answer them with an empty body.
struct ManagementErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return ManagementResponse.error(error.status, message: error.body ?? error.status.reasonPhrase.lowercased())
        }
    }
}
