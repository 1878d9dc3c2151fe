import Foundation
import Hummingbird

/// Codex's usage and Responses endpoints under `/codex/backend-api`. Both require the
/// `chatgpt-account-id` header naming the token's workspace.
struct CodexRoutes: Sendable {
    let state: SimState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/codex/backend-api/wham/usage") { request, _ in await usage(request) }
        router.post("/codex/backend-api/codex/responses") { request, _ in try await responses(request) }
    }

    private func usage(_ request: Request) async -> Response {
        let decision = await state.beginUsageCall(.codex, bearer: request.bearerToken,
                                                  workspace: request.header("chatgpt-account-id"))
        switch decision {
        case .unauthorized: return CodexShapes.unauthorized()
        case .wrongWorkspace(let reason): return CodexShapes.detail(403, reason)
        case .proceed(let behaviour, let account):
            switch behaviour {
            case .ok: return Reply.json(200, CodexShapes.usage(account))
            case .forbidden: return CodexShapes.detail(403, "Forbidden")
            case .unauthorized: return CodexShapes.unauthorized()
            case .deactivated: return CodexShapes.deactivated()
            case .rateLimited: return CodexShapes.detail(429, "Too Many Requests").with(header: "retry-after", "61")
            case .serverError: return CodexShapes.detail(500, "Internal Server Error")
            case .notFound: return Reply.empty(404)
            }
        }
    }

    private func responses(_ request: Request) async throws -> Response {
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.codex, bearer: request.bearerToken,
                                                workspace: request.header("chatgpt-account-id"),
                                                record: request.record(body: body))
        let behaviour: ApiBehaviour, account: SimAccount
        switch decision {
        case .unauthorized: return CodexShapes.unauthorized()
        case .wrongWorkspace(let reason): return CodexShapes.detail(403, reason)
        case .proceed(let taken, let owner): (behaviour, account) = (taken, owner)
        }
        if let failure = Self.failure(behaviour, account) { return failure }
        let model = BodyFields.parse(body)?.model ?? "gpt-5-codex"
        let completion = Completion(account: account, requestBytes: body.count)
        let delivery = Delivery(behaviour, account)
        let overloaded = behaviour == .overloaded || behaviour == .overloadedInStream
        let events = CodexShapes.events(completion, model: model, overloaded: overloaded)
        return Reply.sse(events, gap: delivery.gap, cut: delivery.cut, headers: CodexShapes.usageHeaders(account))
    }

    /// The error answer for a failing behaviour; nil for behaviours that deliver a stream
    /// (Codex reports overload inside an HTTP 200 stream).
    static func failure(_ behaviour: ApiBehaviour, _ account: SimAccount) -> Response? {
        switch behaviour {
        case .ok, .slowStream, .streamCut, .overloaded, .overloadedInStream: nil
        case .unauthorized: CodexShapes.unauthorized()
        case .rateLimited: CodexShapes.usageLimitReached(account)
        case .rateLimitedShort:
            CodexShapes.error(429, code: "rate_limit_exceeded", message: "Rate limit reached. Please try again later.",
                              type: "rate_limit_exceeded",
                              headers: [("retry-after", String(Int(account.settings.retryDelaySeconds.rounded(.up))))])
        case .deactivated: CodexShapes.deactivated()
        case .validationRequired:
            CodexShapes.error(403, code: "verification_required", message: "Please verify your account to continue.")
        case .serverError:
            CodexShapes.error(500, code: "server_error", message: "An error occurred while processing your request.",
                              type: "server_error")
        case .badRequest:
            CodexShapes.error(400, code: "unsupported_parameter", message: "Unsupported parameter: 'temperature'.")
        }
    }
}
