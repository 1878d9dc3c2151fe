import Foundation
import Hummingbird

/// Gemini Code Assist endpoints under the api-base `/gemini`.
struct GeminiRoutes: Sendable {
    let state: SimState

    func register(on router: Router<BasicRequestContext>) {
        router.post("/gemini/v1internal:retrieveUserQuota") { request, _ in try await quota(request) }
        router.post("/gemini/v1internal:loadCodeAssist") { request, _ in try await loadCodeAssist(request) }
        router.post("/gemini/v1internal:generateContent") { request, _ in try await generate(request, stream: false) }
        router.post("/gemini/v1internal:streamGenerateContent") { request, _ in try await generate(request, stream: true) }
        router.post("/gemini/v1internal:countTokens") { request, _ in try await countTokens(request) }
    }

    private func quota(_ request: Request) async throws -> Response {
        _ = try await request.bodyData()
        switch await state.beginUsageCall(.gemini, bearer: request.bearerToken, workspace: nil) {
        case .unauthorized, .wrongWorkspace: return GeminiShapes.unauthorized()
        case .proceed(let behaviour, let account):
            switch behaviour {
            case .ok: return Reply.json(200, GeminiShapes.quota(account))
            case .forbidden: return GeminiShapes.error(403, "PERMISSION_DENIED", "The caller does not have permission")
            case .unauthorized: return GeminiShapes.unauthorized()
            case .deactivated: return GeminiShapes.deactivated()
            case .rateLimited:
                return GeminiShapes.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'.",
                                          headers: [("retry-after", "61")])
            case .serverError: return GeminiShapes.error(500, "INTERNAL", "Internal error encountered.")
            case .notFound: return Reply.empty(404)
            }
        }
    }

    /// Project discovery: authorised like an API call but consumes no scripted behaviour.
    private func loadCodeAssist(_ request: Request) async throws -> Response {
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.gemini, bearer: request.bearerToken, workspace: nil,
                                                record: request.record(body: body), scripted: false)
        guard case .proceed(_, let account) = decision else { return GeminiShapes.unauthorized() }
        return Reply.json(200, GeminiShapes.loadCodeAssist(account))
    }

    private func generate(_ request: Request, stream: Bool) async throws -> Response {
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.gemini, bearer: request.bearerToken, workspace: nil,
                                                record: request.record(body: body))
        guard case .proceed(let behaviour, let account) = decision else { return GeminiShapes.unauthorized() }
        let model = BodyFields.parse(body)?.model ?? "gemini-2.5-pro"
        if let failure = Self.failure(behaviour, account, model: model) { return failure }
        let completion = Completion(account: account, requestBytes: body.count)
        let delivery = Delivery(behaviour, account)
        let headers = Completion.headers(account)
        let chunks = GeminiShapes.chunks(completion, model: model)
        if stream, request.uri.queryParameters["alt"] == "sse" {
            return Reply.sse(chunks.map(Reply.dataEvent), gap: delivery.gap, cut: delivery.cut, headers: headers)
        }
        await delivery.waitForNonStreaming(events: chunks.count)
        // Without alt=sse the streaming method answers one JSON array of wrapped chunks.
        let object: JSON = stream ? .array(chunks)
            : GeminiShapes.wrapped(GeminiShapes.response(completion, text: completion.text, model: model, final: true))
        if delivery.cut {
            return Reply.truncated(Data(object.text.utf8), contentType: "application/json", headers: headers)
        }
        return Reply.json(200, object, headers: headers)
    }

    private func countTokens(_ request: Request) async throws -> Response {
        let body = try await request.bodyData()
        let decision = await state.beginApiCall(.gemini, bearer: request.bearerToken, workspace: nil,
                                                record: request.record(body: body))
        guard case .proceed(let behaviour, let account) = decision else { return GeminiShapes.unauthorized() }
        let model = BodyFields.parse(body)?.model ?? "gemini-2.5-pro"
        if let failure = Self.failure(behaviour, account, model: model) { return failure }
        return Reply.json(200, ["totalTokens": .int(max(1, body.count / 4))], headers: Completion.headers(account))
    }

    /// The error answer for a failing behaviour; nil for behaviours that deliver content.
    static func failure(_ behaviour: ApiBehaviour, _ account: SimAccount, model: String) -> Response? {
        switch behaviour {
        case .ok, .slowStream, .streamCut: nil
        case .unauthorized: GeminiShapes.unauthorized()
        case .rateLimited: GeminiShapes.quotaExhausted(account, model: model)
        case .rateLimitedShort: GeminiShapes.rateLimitExceeded(account, model: model)
        case .overloaded, .overloadedInStream:
            GeminiShapes.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        case .deactivated: GeminiShapes.deactivated()
        case .validationRequired: GeminiShapes.validationRequired()
        case .serverError: GeminiShapes.error(500, "INTERNAL", "Internal error encountered.")
        case .badRequest:
            GeminiShapes.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"foo\".")
        }
    }
}
