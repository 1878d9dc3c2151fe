/// What a reload changes, sorted by how each change takes effect (SPEC §3 L/R/W).
public struct ConfigChanges: Sendable, Equatable {
    /// Changed restart-only (R) keys, dotted and sorted (`providers.codex.listen`, `state-dir`).
    /// `reload` prints `restart required: <key>` for each; the running values stay in force.
    public var restartRequired: [String]
    /// Providers whose worker must be restarted to apply a changed W key (token-url, api-base,
    /// usage-url, headers), sorted. Includes providers that are not running; callers skip those.
    public var workerRestarts: [Provider]
    /// Changed live (L) keys, dotted and sorted: applied as soon as the new config is in force.
    public var live: [String]

    public init(restartRequired: [String] = [], workerRestarts: [Provider] = [], live: [String] = []) {
        self.restartRequired = restartRequired
        self.workerRestarts = workerRestarts
        self.live = live
    }

    /// True when the two configs are the same in every key.
    public var isEmpty: Bool {
        restartRequired.isEmpty && workerRestarts.isEmpty && live.isEmpty
    }
}

extension SwitchyardConfig {
    /// How `self` (the newly read config) differs from `old` (the one in force).
    public func changes(from old: SwitchyardConfig) -> ConfigChanges {
        var restart: [String] = []
        var live: [String] = []
        var workers = Set<Provider>()
        for rule in Self.changeRules() where rule.differs(old, self) {
            switch rule.effect {
            case .restart: restart.append(rule.key)
            case .live: live.append(rule.key)
            case .workerRestart(let provider): workers.insert(provider)
            }
        }
        return ConfigChanges(restartRequired: restart.sorted(), workerRestarts: workers.sorted(), live: live.sorted())
    }

    private enum Effect {
        case live, restart, workerRestart(Provider)
    }

    private struct ChangeRule {
        let key: String
        let effect: Effect
        let differs: (SwitchyardConfig, SwitchyardConfig) -> Bool
    }

    private static func rule<T: Equatable>(
        _ key: String, _ effect: Effect, _ value: @escaping (SwitchyardConfig) -> T
    ) -> ChangeRule {
        ChangeRule(key: key, effect: effect) { value($0) != value($1) }
    }

    /// One rule per leaf key of SPEC §3; a key missing here would never be reported as changed,
    /// which the tests guard against by changing every field.
    private static func changeRules() -> [ChangeRule] {
        var rules: [ChangeRule] = [
            rule("state-dir", .restart) { $0.stateDir },
            rule("accounts-dir", .restart) { $0.accountsDir },
            rule("store", .restart) { $0.store },
            rule("postgres-url", .restart) { $0.postgresURL },
            rule("management.listen", .restart) { $0.management.listen },
            rule("refresh-concurrency", .live) { $0.refreshConcurrency },
            rule("refresh-burst-delay", .live) { $0.refreshBurstDelay },
            rule("refresh-lead", .live) { $0.refreshLead },
            rule("refresh-backoff", .live) { $0.refreshBackoff },
            rule("quota-interval", .live) { $0.quotaInterval },
            rule("quota-backoff", .live) { $0.quotaBackoff },
            rule("disable-guard", .live) { $0.disableGuard },
            rule("client-keys", .live) { $0.clientKeys },
            rule("management.key", .live) { $0.management.key },
            rule("workers.drain-timeout", .live) { $0.workers.drainTimeout },
            rule("workers.heartbeat-timeout", .live) { $0.workers.heartbeatTimeout },
            rule("workers.start-timeout", .live) { $0.workers.startTimeout },
            rule("upstream.connect-timeout", .live) { $0.upstream.connectTimeout },
            rule("upstream.idle-timeout", .live) { $0.upstream.idleTimeout },
            rule("client.max-body", .live) { $0.client.maxBody },
            rule("client.header-timeout", .live) { $0.client.headerTimeout },
            rule("client.idle-timeout", .live) { $0.client.idleTimeout },
            rule("log.level", .live) { $0.log.level },
            rule("log.format", .live) { $0.log.format },
        ]
        for provider in Provider.allCases {
            rules += providerRules(provider)
        }
        return rules
    }

    private static func providerRules(_ provider: Provider) -> [ChangeRule] {
        func on<T: Equatable>(_ key: String, _ effect: Effect, _ value: @escaping (ProviderConfig) -> T) -> ChangeRule {
            rule("providers.\(provider.rawValue).\(key)", effect) { value($0[provider]) }
        }
        let worker = Effect.workerRestart(provider)
        return [
            on("enabled", .restart) { $0.enabled },
            on("listen", .restart) { $0.listen },
            on("selection", .live) { $0.selection },
            on("session-affinity", .live) { $0.sessionAffinity },
            on("max-attempts", .live) { $0.maxAttempts },
            on("token-url", worker) { $0.tokenURL },
            on("api-base", worker) { $0.apiBase },
            on("usage-url", worker) { $0.usageURL },
            on("headers", worker) { $0.headers },
            on("authorize-url", .live) { $0.authorizeURL },
            on("client-id", .live) { $0.clientID },
            on("client-secret", .live) { $0.clientSecret },
            on("redirect-uri", .live) { $0.redirectURI },
            on("models", .live) { $0.models },
        ]
    }
}
