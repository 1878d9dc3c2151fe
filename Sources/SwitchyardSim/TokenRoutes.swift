import Foundation
import Hummingbird

/// The three OAuth token endpoints. Each call: count and decide in the state (rotation happens
/// here), sleep the global `--token-latency` plus any scripted delay without blocking a thread,
/// release the in-flight slot, answer in the provider's shape.
struct TokenRoutes: Sendable {
    let state: SimState
    /// `--token-latency`: added to every token call (the refresh benchmark's upstream cost).
    let latency: Duration

    func register(on router: Router<BasicRequestContext>) {
        router.post("/claude/v1/oauth/token") { request, _ in try await handle(.claude, request) }
        router.post("/codex/oauth/token") { request, _ in try await handle(.codex, request) }
        router.post("/gemini/token") { request, _ in try await handle(.gemini, request) }
    }

    private func handle(_ provider: Provider, _ request: Request) async throws -> Response {
        let started = ContinuousClock.now
        let tokenRequest = Self.parse(try await request.bodyData())
        let decision = await state.beginTokenCall(provider, tokenRequest)
        var delay = latency
        if case .issued(_, let extra) = decision { delay += extra }
        // try?: a client that hangs up cancels the sleep, but the slot must still be released.
        if delay > .zero { try? await Task.sleep(for: delay) }
        await state.endTokenCall(accountID: decision.accountID, took: ContinuousClock.now - started)
        return RefreshReplies.reply(provider, decision)
    }

    /// Claude and Codex send JSON, Google sends a form; either is accepted everywhere.
    static func parse(_ body: Data) -> TokenRequest {
        if let fields = BodyFields.parse(body) {
            return TokenRequest(grantType: fields.grantType, refreshToken: fields.refreshToken, clientID: fields.clientID)
        }
        let form = formFields(body)
        return TokenRequest(grantType: form["grant_type"], refreshToken: form["refresh_token"],
                            clientID: form["client_id"])
    }
}
