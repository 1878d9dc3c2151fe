import Foundation

/// All simulator state. Every request path does a constant number of dictionary operations here
/// (lookups by token go through the three indexes), so 10,000 accounts and hundreds of
/// concurrent token calls cost no more than a handful. Nothing in the actor sleeps: latency is
/// simulated by the route handlers between `beginTokenCall` and `endTokenCall`.
actor SimState {
    private var accounts: [String: SimAccount] = [:]
    /// Current refresh token → account id.
    private var idByRefresh: [String: String] = [:]
    /// Consumed (rotated-away) refresh token → account id; presenting one is a reuse.
    private var idByConsumed: [String: String] = [:]
    /// Current access token → account id.
    private var idByAccess: [String: String] = [:]
    private var stats = SimStats()
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    init() {
        started = clock.now
    }

    // MARK: Admin

    /// Registers an account, replacing (and forgetting every token of) one with the same id.
    func register(_ spec: AccountSpec) throws(SimError) -> SimAccount {
        guard let provider = spec.provider else { throw .missingField("provider") }
        guard let id = spec.id, !id.isEmpty else { throw .missingField("id") }
        if let old = accounts[id] { unindex(old) }
        let account = SimAccount(id: id, provider: provider, spec: spec, now: Date())
        unindexForeignTokens(of: account)
        accounts[id] = account
        index(account)
        return account
    }

    /// Applies a partial body. New tokens replace the current ones without being counted as
    /// consumed (the test is rewriting upstream state, not refreshing).
    func update(id: String, _ spec: AccountSpec) throws(SimError) -> SimAccount {
        guard var account = accounts[id] else { throw .unknownAccount(id) }
        if let provider = spec.provider, provider != account.provider { throw .providerChange(id: id) }
        if let refresh = spec.refreshToken, refresh != account.refreshToken {
            idByRefresh[account.refreshToken] = nil
            account.refreshToken = refresh
            account.refreshHistory.append(refresh)
            idByRefresh[refresh] = id
        }
        if let access = spec.accessToken, access != account.accessToken {
            idByAccess[account.accessToken] = nil
            account.accessToken = access
            idByAccess[access] = id
        }
        account.identity.apply(spec)
        account.settings.apply(spec)
        accounts[id] = account
        return account
    }

    func account(id: String) -> SimAccount? {
        accounts[id]
    }

    /// Registers `count` accounts `<prefix><i>` with tokens `<prefix><i>-at-0` / `-rt-0`,
    /// each configured by the rest of `template`.
    func registerBulk(_ template: AccountSpec) throws(SimError) -> [SimAccount] {
        guard template.provider != nil else { throw .missingField("provider") }
        guard let count = template.count, count >= 0 else { throw .missingField("count") }
        let prefix = template.prefix ?? "b"
        var created: [SimAccount] = []
        created.reserveCapacity(count)
        for index in 0..<count {
            var spec = template
            spec.id = "\(prefix)\(index)"
            spec.refreshToken = nil
            spec.accessToken = nil
            spec.email = template.email.map { "\(index).\($0)" }
            created.append(try register(spec))
        }
        return created
    }

    /// The `GET /_sim/stats` body, accounts sorted by id; `brief` (`?brief=1`) is only the
    /// process-wide counters.
    func statsJSON(brief: Bool = false) -> JSON {
        var object = stats.json(brief: brief)
        object["accounts"] = .int(accounts.count)
        guard !brief else { return object }
        let perAccount: [(String, JSON)] = accounts.keys.sorted().map { id in
            let account = accounts[id]!
            var entry = account.counters.json()
            entry["refresh_token"] = .string(account.refreshToken)
            entry["access_token"] = .string(account.accessToken)
            return (id, entry)
        }
        for (key, value) in StreamCounters.json() { object[key] = value }
        object["per_account"] = .object(perAccount)
        return object
    }

    func resetStats() {
        stats.reset()
        for id in accounts.keys {
            let inFlight = accounts[id]!.counters.tokenInFlight
            accounts[id]!.counters = AccountCounters(tokenInFlight: inFlight, tokenInFlightMax: inFlight)
        }
    }

    // MARK: Token calls

    /// Counts the call, checks the refresh token, consumes one scripted behaviour and, on
    /// success, rotates. Every call must be paired with `endTokenCall(accountID:took:)`.
    func beginTokenCall(_ provider: Provider, _ request: TokenRequest) -> TokenDecision {
        stats.tokenCallStarted(atMs: elapsedMs())
        guard request.grantType == "refresh_token" else {
            return .badRequest("unsupported grant_type \"\(request.grantType ?? "")\"")
        }
        guard let token = request.refreshToken, !token.isEmpty else {
            return .badRequest("missing refresh_token")
        }
        if let id = idByRefresh[token], accounts[id]?.provider == provider {
            return decideRefresh(id: id, clientID: request.clientID)
        }
        if let id = idByConsumed[token], accounts[id]?.provider == provider {
            stats.reuses += 1
            let account = startAccountTokenCall(id: id) { $0.counters.reuses += 1 }
            return .reused(account)
        }
        return .unknownToken
    }

    func endTokenCall(accountID: String?, took: Duration) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        stats.tokenCallEnded(took: took, atUnixUs: now.tv_sec * 1_000_000 + now.tv_nsec / 1000)
        if let accountID { accounts[accountID]?.counters.tokenInFlight -= 1 }
    }

    private func decideRefresh(id: String, clientID: String?) -> TokenDecision {
        var behaviour = RefreshBehaviour.ok
        let account = startAccountTokenCall(id: id) { account in
            account.lastTokenClientID = clientID
            if let expected = account.settings.expectClientID, expected != clientID {
                behaviour = .unauthorizedClient
                return
            }
            behaviour = account.settings.refresh.next()
        }
        switch behaviour {
        case .ok, .slow:
            let rotated = rotate(account)
            let delay: Duration = behaviour == .slow ? .milliseconds(account.settings.latencyMs) : .zero
            return .issued(rotated, delay: delay)
        default:
            return .failed(behaviour, account)
        }
    }

    /// Bumps the account's token counters, applies `change`, and returns the stored result.
    private func startAccountTokenCall(id: String, _ change: (inout SimAccount) -> Void) -> SimAccount {
        var account = accounts[id]!
        account.counters.tokenCalls += 1
        account.counters.tokenInFlight += 1
        account.counters.tokenInFlightMax = max(account.counters.tokenInFlightMax, account.counters.tokenInFlight)
        change(&account)
        accounts[id] = account
        return account
    }

    private func rotate(_ old: SimAccount) -> SimAccount {
        var account = old
        account.rotate(now: Date())
        idByAccess[old.accessToken] = nil
        idByAccess[account.accessToken] = account.id
        if account.rotatesRefreshToken {
            idByRefresh[old.refreshToken] = nil
            idByConsumed[old.refreshToken] = account.id
            idByRefresh[account.refreshToken] = account.id
        }
        accounts[account.id] = account
        return account
    }

    // MARK: Usage and API calls

    func beginUsageCall(_ provider: Provider, bearer: String?, workspace: String?) -> CallDecision<UsageBehaviour> {
        stats.usageCalls += 1
        return authorize(provider, bearer: bearer, workspace: workspace) { account in
            account.counters.usageCalls += 1
            return account.settings.usage.next()
        }
    }

    /// `scripted: false` serves housekeeping calls (Gemini's loadCodeAssist) that count as API
    /// calls but must not consume the behaviour a test scripted for the real request.
    func beginApiCall(
        _ provider: Provider, bearer: String?, workspace: String?, record: RecordedRequest, scripted: Bool = true
    ) -> CallDecision<ApiBehaviour> {
        stats.apiCalls += 1
        return authorize(provider, bearer: bearer, workspace: workspace) { account in
            account.counters.apiCalls += 1
            account.lastAPI = record
            return scripted ? account.settings.api.next() : .ok
        }
    }

    /// Resolves the Bearer token to an account of `provider` (Codex also checks the workspace
    /// header) and, if it is the current unexpired access token, takes the next behaviour.
    private func authorize<Value: Behaviour>(
        _ provider: Provider, bearer: String?, workspace: String?, take: (inout SimAccount) -> Value
    ) -> CallDecision<Value> {
        guard let bearer, let id = idByAccess[bearer], var account = accounts[id], account.provider == provider else {
            return .unauthorized
        }
        if account.settings.enforceExpiry, Date() >= account.accessExpiresAt {
            return .unauthorized
        }
        if provider == .codex {
            guard let workspace, !workspace.isEmpty else { return .wrongWorkspace("missing chatgpt-account-id header") }
            guard workspace == account.identity.chatgptAccountID else {
                return .wrongWorkspace("chatgpt-account-id does not match the token's workspace")
            }
        }
        let behaviour = take(&account)
        accounts[id] = account
        return .proceed(behaviour, account)
    }

    // MARK: Indexes

    private func index(_ account: SimAccount) {
        idByAccess[account.accessToken] = account.id
        idByRefresh[account.refreshToken] = account.id
    }

    private func unindex(_ account: SimAccount) {
        idByAccess[account.accessToken] = nil
        for token in account.refreshHistory {
            if idByRefresh[token] == account.id { idByRefresh[token] = nil }
            if idByConsumed[token] == account.id { idByConsumed[token] = nil }
        }
    }

    /// A test may register an account with a token another account holds; the newest owner
    /// wins so that lookups stay unambiguous.
    private func unindexForeignTokens(of account: SimAccount) {
        idByConsumed[account.refreshToken] = nil
    }

    private func elapsedMs() -> Int {
        let elapsed = clock.now - started
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
