import Foundation
import Hummingbird

/// Claude's usage and API endpoints under `/claude`.
struct ClaudeRoutes: Sendable {
    let state: SimState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/claude/api/oauth/usage") { request, _ in await usage(request) }
        router.post("/claude/v1/messages") { request, _ in try await messages(request) }
        router.post("/claude/v1/messages/count_tokens") { request, _ in try await countTokens(request) }
    }

    /// Anthropic refuses OAuth tokens unless `anthropic-beta` lists the OAuth beta, which
    /// Switchyard must add to every upstream call; refused calls are not counted.
    static let oauthBeta = "oauth-2025-04-20"

    private static func lacksOAuthBeta(_ request: Request) -> Response? {
        let betas = (request.header("anthropic-beta") ?? "").split(separator: ",")
        if betas.contains(where: { $0.trimmingCharacters(in: .whitespaces) == oauthBeta }) { return nil }
        return ClaudeShapes.error(401, "authentication_error", "OAuth authentication is currently not supported.")
    }

    private func usage(_ request: Request) async -> Response {
        if let refusal = Self.lacksOAuthBeta(request) { return refusal }
        switch await state.beginUsageCall(.claude, bearer: request.bearerToken, workspace: nil) {
        case .unauthorized, .wrongWorkspace: return ClaudeShapes.unauthorized()
        case .proceed(let behaviour, let account):
            switch behaviour {
            case .ok: return Reply.json(200, ClaudeShapes.usage(account))
            case .forbidden:
                return ClaudeShapes.error(403, "permission_error", "OAuth token does not meet scope requirement user:profile")
            case .unauthorized: return ClaudeShapes.unauthorized()
            case .deactivated: return ClaudeShapes.deactivated()
            case .rateLimited:
                return ClaudeShapes.error(429, "rate_limit_error", "Rate limited", headers: [("retry-after", "61")])
            case .serverError: return ClaudeShapes.error(500, "api_error", "Internal server error")
            case .notFound: return Reply.empty(404)
            }
        }
    }

    private func messages(_ request: Request) async throws -> Response {
        if let refusal = Self.lacksOAuthBeta(request) { return refusal }
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.claude, bearer: request.bearerToken, workspace: nil,
                                                record: request.record(body: body))
        guard case .proceed(let behaviour, let account) = decision else { return ClaudeShapes.unauthorized() }
        if let failure = Self.failure(behaviour, account) { return failure }
        let fields = BodyFields.parse(body)
        let model = fields?.model ?? "claude-sonnet-4-5"
        let completion = Completion(account: account, requestBytes: body.count)
        let delivery = Delivery(behaviour, account)
        let headers = ClaudeShapes.allowedHeaders(account)
        if fields?.stream == true {
            let events = ClaudeShapes.events(completion, model: model, overloaded: behaviour == .overloadedInStream)
            return Reply.sse(events, gap: delivery.gap, cut: delivery.cut, headers: headers)
        }
        if behaviour == .overloadedInStream { return ClaudeShapes.error(529, "overloaded_error", "Overloaded") }
        await delivery.waitForNonStreaming(events: completion.words.count)
        let message = ClaudeShapes.message(completion, model: model)
        if delivery.cut {
            return Reply.truncated(Data(message.text.utf8), contentType: "application/json", headers: headers)
        }
        return Reply.json(200, message, headers: headers)
    }

    private func countTokens(_ request: Request) async throws -> Response {
        if let refusal = Self.lacksOAuthBeta(request) { return refusal }
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.claude, bearer: request.bearerToken, workspace: nil,
                                                record: request.record(body: body))
        guard case .proceed(let behaviour, let account) = decision else { return ClaudeShapes.unauthorized() }
        if let failure = Self.failure(behaviour, account) { return failure }
        if behaviour == .overloadedInStream { return ClaudeShapes.error(529, "overloaded_error", "Overloaded") }
        return Reply.json(200, ["input_tokens": .int(max(1, body.count / 4))], headers: Completion.headers(account))
    }

    /// The error answer for a failing behaviour; nil for behaviours that deliver content.
    static func failure(_ behaviour: ApiBehaviour, _ account: SimAccount) -> Response? {
        switch behaviour {
        case .ok, .slowStream, .streamCut, .overloadedInStream: nil
        case .unauthorized: ClaudeShapes.unauthorized()
        case .rateLimited: ClaudeShapes.rateLimited(account)
        case .rateLimitedShort:
            ClaudeShapes.error(429, "rate_limit_error", "Number of requests has exceeded your rate limit.",
                               headers: [("retry-after", String(Int(account.settings.retryDelaySeconds.rounded(.up))))])
        case .overloaded: ClaudeShapes.error(529, "overloaded_error", "Overloaded")
        case .deactivated: ClaudeShapes.deactivated()
        case .validationRequired:
            ClaudeShapes.error(403, "permission_error", "Your account requires verification.")
        case .serverError: ClaudeShapes.error(500, "api_error", "Internal server error")
        case .badRequest: ClaudeShapes.error(400, "invalid_request_error", "messages: Field required")
        }
    }
}
