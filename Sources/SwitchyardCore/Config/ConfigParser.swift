/// Turns a `ConfigNode` tree into a validated `SwitchyardConfig` (SPEC §3).
///
/// Absent keys and keys written empty take their defaults; an empty document means all defaults.
/// The first problem found is thrown, in this order: unknown or duplicate keys of a mapping, then
/// its values top to bottom, then the cross-key rules of `ConfigValidator`.
public enum ConfigParser {
    static let topLevelKeys: Set<String> = [
        "state-dir", "accounts-dir", "store", "postgres-url", "refresh-concurrency", "refresh-burst-delay",
        "refresh-lead", "refresh-backoff", "quota-interval", "quota-backoff", "disable-guard", "client-keys",
        "management", "workers", "upstream", "client", "log", "providers",
    ]

    /// `configDirectory` is the absolute folder of the config file; relative paths resolve there.
    public static func parse(_ root: ConfigNode, configDirectory: String) throws(ConfigError) -> SwitchyardConfig {
        let reader = try ConfigMappingReader(root, path: "", line: 1, allowed: topLevelKeys)
        var config = SwitchyardConfig.defaults(configDirectory: configDirectory)
        try readStorage(reader, into: &config, configDirectory: configDirectory)
        try readScheduling(reader, into: &config)
        try readServing(reader, into: &config)
        try readLimits(reader, into: &config)
        let providers = try reader.section("providers", allowed: Set(Provider.allCases.map(\.rawValue)))
        for provider in Provider.allCases {
            config.providers[provider] = try readProvider(provider, from: providers)
        }
        try ConfigValidator(config: config, root: root).validate()
        return config
    }

    private static func readStorage(
        _ reader: ConfigMappingReader, into config: inout SwitchyardConfig, configDirectory: String
    ) throws(ConfigError) {
        let path: (String) -> String? = { $0.isEmpty ? nil : ConfigPath.resolve($0, against: configDirectory) }
        config.stateDir = try reader.value("state-dir", config.stateDir, expected: ConfigExpectation.path, path)
        config.accountsDir = try reader.value("accounts-dir", config.accountsDir, expected: ConfigExpectation.path, path)
        config.store = try reader.choice("store", config.store)
        config.postgresURL = try reader.optionalString("postgres-url", config.postgresURL)
    }

    private static func readScheduling(_ reader: ConfigMappingReader, into config: inout SwitchyardConfig) throws(ConfigError) {
        config.refreshConcurrency = try reader.count("refresh-concurrency", config.refreshConcurrency)
        config.refreshBurstDelay = try reader.duration("refresh-burst-delay", config.refreshBurstDelay)
        config.refreshLead = try reader.duration("refresh-lead", config.refreshLead)
        config.refreshBackoff = try readBackoff("refresh-backoff", reader, config.refreshBackoff)
        config.quotaInterval = try reader.positiveDuration("quota-interval", config.quotaInterval)
        config.quotaBackoff = try readBackoff("quota-backoff", reader, config.quotaBackoff)
        config.disableGuard = try reader.value("disable-guard", config.disableGuard,
                                               expected: ConfigExpectation.percentage, ConfigPercentage.parse)
    }

    private static func readBackoff(
        _ name: String, _ reader: ConfigMappingReader, _ fallback: SwitchyardConfig.Backoff
    ) throws(ConfigError) -> SwitchyardConfig.Backoff {
        let section = try reader.section(name, allowed: ["initial", "max"])
        return SwitchyardConfig.Backoff(
            initial: try section.positiveDuration("initial", fallback.initial),
            max: try section.positiveDuration("max", fallback.max)
        )
    }

    private static func readServing(_ reader: ConfigMappingReader, into config: inout SwitchyardConfig) throws(ConfigError) {
        config.clientKeys = try reader.strings("client-keys", config.clientKeys)

        let management = try reader.section("management", allowed: ["listen", "key"])
        config.management.listen = try management.hostPort("listen", config.management.listen)
        config.management.key = try management.optionalString("key", config.management.key)

        let log = try reader.section("log", allowed: ["level", "format"])
        config.log.level = try log.choice("level", config.log.level)
        config.log.format = try log.choice("format", config.log.format)
    }

    private static func readLimits(_ reader: ConfigMappingReader, into config: inout SwitchyardConfig) throws(ConfigError) {
        let workers = try reader.section("workers", allowed: ["drain-timeout", "heartbeat-timeout", "start-timeout"])
        config.workers.drainTimeout = try workers.duration("drain-timeout", config.workers.drainTimeout)
        config.workers.heartbeatTimeout = try workers.positiveDuration("heartbeat-timeout", config.workers.heartbeatTimeout)
        config.workers.startTimeout = try workers.positiveDuration("start-timeout", config.workers.startTimeout)

        let upstream = try reader.section("upstream", allowed: ["connect-timeout", "idle-timeout"])
        config.upstream.connectTimeout = try upstream.positiveDuration("connect-timeout", config.upstream.connectTimeout)
        config.upstream.idleTimeout = try upstream.positiveDuration("idle-timeout", config.upstream.idleTimeout)

        let client = try reader.section("client", allowed: ["max-body", "header-timeout", "idle-timeout"])
        config.client.maxBody = try client.value("max-body", config.client.maxBody, expected: ConfigExpectation.size) {
            ConfigSize.parse($0).flatMap { $0 > 0 ? $0 : nil }
        }
        config.client.headerTimeout = try client.positiveDuration("header-timeout", config.client.headerTimeout)
        config.client.idleTimeout = try client.positiveDuration("idle-timeout", config.client.idleTimeout)
    }
}
