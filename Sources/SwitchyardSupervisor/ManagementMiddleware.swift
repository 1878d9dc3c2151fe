import Hummingbird
import Logging
import SwitchyardCore

/// The key check of SPEC §9. Added to the router before any route, so it also runs for
/// paths no route matches: without the key, an unknown `/v0/…` path is a 401, not a 404.
///
/// A refused key counts against the peer's address, and after a few the 401 comes late
/// (`FailureThrottle`). A request with no `Authorization` at all guesses nothing and is
/// answered at once. The wait is an async sleep in the request's task: other connections,
/// and right keys from the same address, are served meanwhile.
struct ManagementKeyMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let box: ManagementAccessBox
    let throttle: ManagementThrottleBox
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authorization = request.headers[.authorization]
        guard box.access.allows(path: request.uri.path, authorization: authorization) else {
            if authorization != nil, let failure = throttle.failure(from: context.remoteAddress) {
                if failure.firstSlowed {
                    logger.warning("repeated wrong management keys; answers to this address are slowed down",
                                   metadata: ["client": "\(failure.client)"])
                }
                if failure.delay > .zero { try? await Task.sleep(for: failure.delay) }
            }
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
