import Foundation

/// The body of `POST /_sim/accounts`, `POST /_sim/accounts/{id}` and `POST /_sim/accounts/bulk`.
/// Every field is optional so the same type serves registration (missing = default) and partial
/// updates (missing = unchanged). Unknown keys are refused: a misspelt behaviour key in a test
/// would otherwise be silently ignored and the test would pass for the wrong reason.
struct AccountSpec: Decodable, Sendable {
    var provider: Provider?
    var id: String?
    var refreshToken: String?
    var accessToken: String?
    var email: String?
    var accountUuid: String?
    var organizationUuid: String?
    var organizationName: String?
    var chatgptAccountId: String?
    var chatgptUserId: String?
    var planType: String?
    var project: String?
    var sub: String?
    var refresh: Script<RefreshBehaviour>?
    var usage: Script<UsageBehaviour>?
    var api: Script<ApiBehaviour>?
    var usagePercent: [Double]?
    var usageResetsIn: [Int]?
    var models: [String]?
    var expiresIn: Int?
    var latencyMs: Int?
    var streamGapMs: Int?
    /// Words in a successful completion (default: a five-word sentence naming the account);
    /// a large number makes an answer of many events, to fill a slow reader's buffers.
    var outputWords: Int?
    var rateLimitResetSeconds: Int?
    var retryDelaySeconds: Double?
    var enforceExpiry: Bool?
    var expectClientId: String?
    /// Bulk registration only.
    var count: Int?
    var prefix: String?

    static let knownKeys: Set<String> = [
        "provider", "id", "refresh_token", "access_token", "email", "account_uuid", "organization_uuid",
        "organization_name", "chatgpt_account_id", "chatgpt_user_id", "plan_type", "project", "sub",
        "refresh", "usage", "api", "usage_percent", "usage_resets_in", "models", "expires_in", "latency_ms",
        "stream_gap_ms", "output_words", "rate_limit_reset_seconds", "retry_delay_seconds", "enforce_expiry",
        "expect_client_id", "count", "prefix",
    ]

    /// Decodes an admin body, refusing unknown keys and bad behaviour names with a readable reason.
    static func decode(_ data: Data) throws(SimError) -> AccountSpec {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .badBody("body must be a JSON object")
        }
        let unknown = Set(object.keys).subtracting(knownKeys)
        guard unknown.isEmpty else {
            throw .badBody("unknown keys: \(unknown.sorted().joined(separator: ", "))")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(AccountSpec.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw .badBody(Self.describe(context))
        } catch let DecodingError.typeMismatch(_, context) {
            throw .badBody(Self.describe(context))
        } catch {
            throw .badBody("\(error)")
        }
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}

