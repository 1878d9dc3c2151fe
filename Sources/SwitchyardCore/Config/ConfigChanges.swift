/// What a reload changes, sorted by how each change takes effect (SPEC §3 L/R/W).
public struct ConfigChanges: Sendable, Equatable {
    /// Changed restart-only (R) keys, dotted and sorted (`providers.codex.listen`, `state-dir`).
    /// `reload` prints `restart required: <key>` for each; the running values stay in force
    /// (`ConfigReload` compares the file with them, so a pending restart is reported each time).
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

    /// `self` with every restart-only (R) key set to its value in `running`: what a reload can
    /// actually put in force while sockets stay bound and the store stays open.
    public func keepingRestartOnlyKeys(of running: SwitchyardConfig) -> SwitchyardConfig {
        var result = self
        for rule in Self.changeRules() {
            if case .restart = rule.effect { rule.copy(&result, running) }
        }
        return result
    }

    private enum Effect {
        case live, restart, workerRestart(Provider)
    }

    private struct ChangeRule {
        let key: String
        let effect: Effect
        let differs: (SwitchyardConfig, SwitchyardConfig) -> Bool
        /// Sets the key in the first config to its value in the second.
        let copy: (inout SwitchyardConfig, SwitchyardConfig) -> Void
    }

    private static func rule<T: Equatable>(
        _ key: String, _ effect: Effect, _ path: WritableKeyPath<SwitchyardConfig, T>
    ) -> ChangeRule {
        ChangeRule(
            key: key, effect: effect,
            differs: { $0[keyPath: path] != $1[keyPath: path] },
            copy: { $0[keyPath: path] = $1[keyPath: path] })
    }

    /// One rule per leaf key of SPEC §3; a key missing here would never be reported as changed,
    /// which the tests guard against by changing every field.
    private static func changeRules() -> [ChangeRule] {
        var rules: [ChangeRule] = [
            rule("state-dir", .restart, \.stateDir),
            rule("accounts-dir", .restart, \.accountsDir),
            rule("store", .restart, \.store),
            rule("postgres-url", .restart, \.postgresURL),
            rule("management.listen", .restart, \.management.listen),
            rule("refresh-concurrency", .live, \.refreshConcurrency),
            rule("refresh-burst-delay", .live, \.refreshBurstDelay),
            rule("refresh-lead", .live, \.refreshLead),
            rule("refresh-backoff", .live, \.refreshBackoff),
            rule("quota-interval", .live, \.quotaInterval),
            rule("quota-backoff", .live, \.quotaBackoff),
            rule("disable-guard", .live, \.disableGuard),
            rule("client-keys", .live, \.clientKeys),
            rule("management.key", .live, \.management.key),
            rule("workers.drain-timeout", .live, \.workers.drainTimeout),
            rule("workers.heartbeat-timeout", .live, \.workers.heartbeatTimeout),
            rule("workers.start-timeout", .live, \.workers.startTimeout),
            rule("upstream.connect-timeout", .live, \.upstream.connectTimeout),
            rule("upstream.idle-timeout", .live, \.upstream.idleTimeout),
            rule("client.max-body", .live, \.client.maxBody),
            rule("client.header-timeout", .live, \.client.headerTimeout),
            rule("client.idle-timeout", .live, \.client.idleTimeout),
            rule("log.level", .live, \.log.level),
            rule("log.format", .live, \.log.format),
        ]
        for provider in Provider.allCases {
            rules += providerRules(provider)
        }
        return rules
    }

    private static func providerRules(_ provider: Provider) -> [ChangeRule] {
        let settings: WritableKeyPath<SwitchyardConfig, ProviderConfig> = \.[provider]
        func on<T: Equatable>(_ key: String, _ effect: Effect, _ path: WritableKeyPath<ProviderConfig, T>) -> ChangeRule {
            rule("providers.\(provider.rawValue).\(key)", effect, settings.appending(path: path))
        }
        let worker = Effect.workerRestart(provider)
        return [
            on("enabled", .restart, \.enabled),
            on("listen", .restart, \.listen),
            on("selection", .live, \.selection),
            on("session-affinity", .live, \.sessionAffinity),
            on("max-attempts", .live, \.maxAttempts),
            on("token-url", worker, \.tokenURL),
            on("api-base", worker, \.apiBase),
            on("usage-url", worker, \.usageURL),
            on("headers", worker, \.headers),
            on("authorize-url", .live, \.authorizeURL),
            on("client-id", .live, \.clientID),
            on("client-secret", .live, \.clientSecret),
            on("redirect-uri", .live, \.redirectURI),
            on("models", .live, \.models),
        ]
    }
}
