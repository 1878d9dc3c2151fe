import Foundation
import Hummingbird

/// The scripting API under `/_sim` (JSON in, JSON out). Errors answer `{"error": "…"}` with
/// 400 (bad body) or 404 (unknown account).
struct AdminRoutes: Sendable {
    let state: SimState

    func register(on router: Router<BasicRequestContext>) {
        router.post("/_sim/accounts") { request, _ in
            try await Self.answer { try await state.register(AccountSpec.decode(request.bodyData())).adminView() }
        }
        router.get("/_sim/accounts/:id") { _, context in
            let id = Self.accountID(context)
            guard let account = await state.account(id: id) else { return Self.refusal(.unknownAccount(id)) }
            return Reply.json(200, account.adminView())
        }
        // `bulk` is matched here rather than as its own route so the two never compete in the trie.
        router.post("/_sim/accounts/:id") { request, context in
            let id = Self.accountID(context)
            let spec = try await Self.spec(request)
            if id == "bulk" {
                return try await Self.answer { ["accounts": .array(try await state.registerBulk(spec.get()).map(Self.summary))] }
            }
            return try await Self.answer { try await state.update(id: id, spec.get()).adminView() }
        }
        router.get("/_sim/stats") { request, _ in
            Reply.json(200, await state.statsJSON(brief: request.uri.queryParameters["brief"] != nil))
        }
        router.post("/_sim/reset-stats") { _, _ in
            await state.resetStats()
            return Reply.json(200, ["ok": true])
        }
    }

    private static func accountID(_ context: BasicRequestContext) -> String {
        let raw = context.parameters.get("id") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    private static func spec(_ request: Request) async throws -> Result<AccountSpec, SimError> {
        let data = try await request.bodyData()
        return Result { () throws(SimError) in try AccountSpec.decode(data) }
    }

    /// Runs an admin action, turning a refusal into its JSON error answer.
    private static func answer(_ action: () async throws -> JSON) async throws -> Response {
        do {
            return Reply.json(200, try await action())
        } catch let error as SimError {
            return refusal(error)
        }
    }

    private static func refusal(_ error: SimError) -> Response {
        Reply.json(error.status, ["error": .string(error.description)])
    }

    /// What bulk registration returns per account: enough to write a Switchyard account file.
    static func summary(_ account: SimAccount) -> JSON {
        .object([
            ("id", .string(account.id)), ("provider", .string(account.provider.rawValue)),
            ("access_token", .string(account.accessToken)), ("refresh_token", .string(account.refreshToken)),
        ] + account.identity.json(for: account.provider))
    }
}
