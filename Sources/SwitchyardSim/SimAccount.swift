import Foundation

/// Who an account is upstream: what token, usage and id_token responses report about it.
struct AccountIdentity: Sendable {
    var email: String
    var accountUUID: String
    var organizationUUID: String
    var organizationName: String
    var chatgptAccountID: String
    var chatgptUserID: String
    var planType: String
    var project: String?
    var sub: String?

    init(id: String) {
        email = "\(id.lowercased().filter { !$0.isWhitespace })@sim.test"
        accountUUID = UUID().uuidString.lowercased()
        organizationUUID = UUID().uuidString.lowercased()
        organizationName = "Sim Org"
        chatgptAccountID = UUID().uuidString.lowercased()
        chatgptUserID = "user-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(24)
        planType = "plus"
    }

    mutating func apply(_ spec: AccountSpec) {
        if let value = spec.email { email = value }
        if let value = spec.accountUuid { accountUUID = value }
        if let value = spec.organizationUuid { organizationUUID = value }
        if let value = spec.organizationName { organizationName = value }
        if let value = spec.chatgptAccountId { chatgptAccountID = value }
        if let value = spec.chatgptUserId { chatgptUserID = value }
        if let value = spec.planType { planType = value }
        if let value = spec.project { project = value }
        if let value = spec.sub { sub = value }
    }
}

/// How an account behaves: scripted outcomes and the numbers its responses carry.
struct AccountSettings: Sendable {
    var refresh = Script(RefreshBehaviour.ok)
    var usage = Script(UsageBehaviour.ok)
    var api = Script(ApiBehaviour.ok)
    /// Percent used per window (Claude five_hour/seven_day, Codex primary/secondary, Gemini one per model).
    var usagePercent: [Double] = [37, 12]
    var usageResetsIn: [Int] = [3600, 259_200]
    var models: [String] = ["gemini-2.5-pro", "gemini-2.5-flash"]
    var expiresIn: Int
    var latencyMs = 1000
    var streamGapMs = 200
    var outputWords: Int?
    var rateLimitResetSeconds = 3600
    var retryDelaySeconds = 10.5
    /// Off by default so that short `expires_in` values used to force refreshes do not also
    /// make API calls fail; on, an access token past its expiry answers 401.
    var enforceExpiry = false
    /// When set, a refresh presenting another client id answers 401 unauthorized_client
    /// (Google's answer to a token issued to a different OAuth client, e.g. Antigravity).
    var expectClientID: String?

    init(provider: Provider) {
        expiresIn = provider == .gemini ? 3599 : 28800
    }

    mutating func apply(_ spec: AccountSpec) {
        if let value = spec.refresh { refresh = value }
        if let value = spec.usage { usage = value }
        if let value = spec.api { api = value }
        if let value = spec.usagePercent, !value.isEmpty { usagePercent = value }
        if let value = spec.usageResetsIn, !value.isEmpty { usageResetsIn = value }
        if let value = spec.models, !value.isEmpty { models = value }
        if let value = spec.expiresIn { expiresIn = value }
        if let value = spec.latencyMs { latencyMs = value }
        if let value = spec.streamGapMs { streamGapMs = value }
        if let value = spec.outputWords { outputWords = max(1, min(value, 1_000_000)) }
        if let value = spec.rateLimitResetSeconds { rateLimitResetSeconds = value }
        if let value = spec.retryDelaySeconds { retryDelaySeconds = value }
        if let value = spec.enforceExpiry { enforceExpiry = value }
        if let value = spec.expectClientId { expectClientID = value }
    }

    /// The window value at `index`, repeating the last one when the list is shorter.
    func percent(_ index: Int) -> Double { usagePercent[min(index, usagePercent.count - 1)] }
    func resetsIn(_ index: Int) -> Int { usageResetsIn[min(index, usageResetsIn.count - 1)] }
}

/// Per-account counters; zeroed by `POST /_sim/reset-stats`.
struct AccountCounters: Sendable {
    var tokenCalls = 0
    var usageCalls = 0
    var apiCalls = 0
    var reuses = 0
    var tokenInFlight = 0
    var tokenInFlightMax = 0
}

/// The last API request an account served, so tests can check what Switchyard sent upstream.
struct RecordedRequest: Sendable {
    var path: String
    var headers: [String: String]
    var body: String
}

/// One simulated upstream account. A value type: the actor owns the only mutable copy and
/// hands out snapshots.
struct SimAccount: Sendable {
    let id: String
    let provider: Provider
    var accessToken: String
    var refreshToken: String
    var accessExpiresAt: Date
    /// Number of refreshes that issued tokens; the next tokens are `<id>-at-<generation+1>`.
    var generation = 0
    /// Every refresh token this account has had, initial one first; all but the current are consumed.
    var refreshHistory: [String]
    var identity: AccountIdentity
    var settings: AccountSettings
    var counters = AccountCounters()
    var lastAPI: RecordedRequest?
    var lastTokenClientID: String?

    init(id: String, provider: Provider, spec: AccountSpec, now: Date) {
        self.id = id
        self.provider = provider
        accessToken = spec.accessToken ?? "\(id)-at-0"
        refreshToken = spec.refreshToken ?? "\(id)-rt-0"
        refreshHistory = [refreshToken]
        identity = AccountIdentity(id: id)
        identity.apply(spec)
        settings = AccountSettings(provider: provider)
        settings.apply(spec)
        accessExpiresAt = now.addingTimeInterval(TimeInterval(settings.expiresIn))
    }

    /// Codex and Claude rotate refresh tokens; Google keeps the refresh token.
    var rotatesRefreshToken: Bool { provider != .gemini }

    /// Issues the next access token (and refresh token where the provider rotates them).
    mutating func rotate(now: Date) {
        generation += 1
        accessToken = "\(id)-at-\(generation)"
        accessExpiresAt = now.addingTimeInterval(TimeInterval(settings.expiresIn))
        if rotatesRefreshToken {
            refreshToken = "\(id)-rt-\(generation)"
            refreshHistory.append(refreshToken)
        }
    }

    /// The admin view (`GET /_sim/accounts/{id}`). Tokens are shown: the sim's tokens are
    /// fake and tests need them to assert rotation.
    func adminView() -> JSON {
        var view: JSON = [
            "id": .string(id), "provider": .string(provider.rawValue),
            "access_token": .string(accessToken), "refresh_token": .string(refreshToken),
            "access_expires_at": .int(Int(accessExpiresAt.timeIntervalSince1970)),
            "issued_refresh_tokens": .strings(rotatesRefreshToken ? Array(refreshHistory.dropFirst()) : []),
            "refresh_tokens": .strings(refreshHistory),
            "refresh": .strings(settings.refresh.pending), "usage": .strings(settings.usage.pending),
            "api": .strings(settings.api.pending),
            "counters": counters.json(),
            "last_token_client_id": .optional(lastTokenClientID),
        ]
        for (key, value) in identity.json(for: provider) { view[key] = value }
        if let last = lastAPI {
            view["last_api"] = [
                "path": .string(last.path), "body": .string(last.body),
                "headers": .object(last.headers.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }),
            ]
        }
        return view
    }
}

extension AccountCounters {
    func json() -> JSON {
        ["token_calls": .int(tokenCalls), "usage_calls": .int(usageCalls), "api_calls": .int(apiCalls),
         "reuses": .int(reuses), "token_in_flight_max": .int(tokenInFlightMax)]
    }
}

extension AccountIdentity {
    /// The identity fields a provider's account carries, under Switchyard's account-file names
    /// (SPEC §5), so admin answers can be turned into account files directly.
    func json(for provider: Provider) -> [(String, JSON)] {
        var fields: [(String, JSON)] = [("email", .string(email))]
        switch provider {
        case .claude:
            fields += [("account_uuid", .string(accountUUID)), ("organization_uuid", .string(organizationUUID))]
        case .codex:
            fields += [("chatgpt_account_id", .string(chatgptAccountID)), ("chatgpt_user_id", .string(chatgptUserID)),
                       ("plan_type", .string(planType))]
        case .gemini:
            if let project { fields.append(("project_id", .string(project))) }
            if let sub { fields.append(("sub", .string(sub))) }
        }
        return fields
    }
}
