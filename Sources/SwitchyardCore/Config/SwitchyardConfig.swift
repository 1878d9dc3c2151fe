/// The whole configuration (SPEC §3), typed and validated.
///
/// Built by `ConfigParser` (the only way a file becomes one), so a value of this type has passed
/// every check: durations are non-negative, paths are absolute, listen addresses are distinct and
/// safe. Comments on the fields give the YAML key and when a change takes effect:
/// **L** live on reload, **R** at the next restart, **W** by restarting that provider's worker.
public struct SwitchyardConfig: Sendable, Equatable {
    /// `state-dir` (R): pid, lock, sockets, pending/, log. Absolute.
    public var stateDir: String
    /// `accounts-dir` (R): one JSON file per account. Absolute.
    public var accountsDir: String
    /// `store` (R).
    public var store: Store
    /// `postgres-url` (R); nil when empty. Required when `store` is `.postgres`.
    public var postgresURL: String?
    /// `refresh-concurrency` (L): most refresh calls in flight, all providers. At least 1.
    public var refreshConcurrency: Int
    /// `refresh-burst-delay` (L): least spacing between two refresh dispatches.
    public var refreshBurstDelay: Duration
    /// `refresh-lead` (L): refresh this long before the token expires.
    public var refreshLead: Duration
    /// `refresh-backoff` (L): transient refresh failures (±20% jitter is the scheduler's).
    public var refreshBackoff: Backoff
    /// `quota-interval` (L): how often each enabled account's quota is read.
    public var quotaInterval: Duration
    /// `quota-backoff` (L).
    public var quotaBackoff: Backoff
    /// `disable-guard` (L): fraction in 0...1 (SPEC §6.8).
    public var disableGuard: Double
    /// `client-keys` (L): keys API clients must present; empty means none is needed, and then
    /// every enabled provider listens on loopback only.
    public var clientKeys: [String]
    /// `management` (listen R, key L).
    public var management: Management
    /// `workers` (L).
    public var workers: Workers
    /// `upstream` (L): libcurl limits, all providers.
    public var upstream: Upstream
    /// `client` (L): limits on API clients.
    public var client: Client
    /// `log` (L).
    public var log: Log
    /// `providers`: always one entry per `Provider`, defaults filled in.
    public var providers: [Provider: ProviderConfig]

    /// The configuration of `provider` (always present).
    public subscript(provider: Provider) -> ProviderConfig {
        get { providers[provider] ?? ProviderConfig.defaults(for: provider) }
        set { providers[provider] = newValue }
    }

    /// Every default of SPEC §3, with relative default paths resolved against `configDirectory`.
    public static func defaults(configDirectory: String) -> SwitchyardConfig {
        SwitchyardConfig(
            stateDir: ConfigPath.resolve("../var", against: configDirectory),
            accountsDir: ConfigPath.resolve("../var/accounts", against: configDirectory),
            store: .file,
            postgresURL: nil,
            refreshConcurrency: 16,
            refreshBurstDelay: .zero,
            refreshLead: .seconds(5 * 60),
            refreshBackoff: Backoff(initial: .seconds(30), max: .seconds(30 * 60)),
            quotaInterval: .seconds(5 * 60),
            quotaBackoff: Backoff(initial: .seconds(60), max: .seconds(15 * 60)),
            disableGuard: 0.5,
            clientKeys: [],
            management: Management(listen: HostPort(host: "127.0.0.1", port: 8400), key: nil),
            workers: Workers(drainTimeout: .seconds(30), heartbeatTimeout: .seconds(15), startTimeout: .seconds(30)),
            upstream: Upstream(connectTimeout: .seconds(10), idleTimeout: .seconds(5 * 60)),
            client: Client(maxBody: 32 << 20, headerTimeout: .seconds(30), idleTimeout: .seconds(5 * 60)),
            log: Log(level: .info, format: .text),
            providers: Dictionary(uniqueKeysWithValues: Provider.allCases.map { ($0, ProviderConfig.defaults(for: $0)) })
        )
    }

    /// Where accounts live.
    public enum Store: String, Sendable, CaseIterable {
        case file, postgres
    }

    /// A capped exponential backoff: the first delay and the ceiling (`initial <= max`).
    public struct Backoff: Sendable, Equatable {
        public var initial: Duration
        public var max: Duration

        public init(initial: Duration, max: Duration) {
            self.initial = initial
            self.max = max
        }
    }

    /// The supervisor's management HTTP API (SPEC §9).
    public struct Management: Sendable, Equatable {
        /// `management.listen` (R).
        public var listen: HostPort
        /// `management.key` (L): the Bearer key for `/v0/*` and `/metrics`; nil when empty.
        /// Required when `listen` is not loopback.
        public var key: String?

        public init(listen: HostPort, key: String?) {
            self.listen = listen
            self.key = key
        }
    }

    /// Worker process supervision (SPEC §1). All positive except `drainTimeout`, which may be 0.
    public struct Workers: Sendable, Equatable {
        public var drainTimeout: Duration
        public var heartbeatTimeout: Duration
        public var startTimeout: Duration

        public init(drainTimeout: Duration, heartbeatTimeout: Duration, startTimeout: Duration) {
            self.drainTimeout = drainTimeout
            self.heartbeatTimeout = heartbeatTimeout
            self.startTimeout = startTimeout
        }
    }

    /// Limits on upstream transfers. Both positive.
    public struct Upstream: Sendable, Equatable {
        public var connectTimeout: Duration
        /// No byte from upstream this long → the transfer fails.
        public var idleTimeout: Duration

        public init(connectTimeout: Duration, idleTimeout: Duration) {
            self.connectTimeout = connectTimeout
            self.idleTimeout = idleTimeout
        }
    }

    /// Limits on API clients. All positive.
    public struct Client: Sendable, Equatable {
        /// Largest request body in bytes; larger → 413.
        public var maxBody: Int
        public var headerTimeout: Duration
        /// A connection with no request in flight this long is closed.
        public var idleTimeout: Duration

        public init(maxBody: Int, headerTimeout: Duration, idleTimeout: Duration) {
            self.maxBody = maxBody
            self.headerTimeout = headerTimeout
            self.idleTimeout = idleTimeout
        }
    }

    /// `log: {level, format}`.
    public struct Log: Sendable, Equatable {
        public var level: LogLevel
        public var format: LogFormat

        public init(level: LogLevel, format: LogFormat) {
            self.level = level
            self.format = format
        }
    }

    /// The same names as swift-log's `Logger.Level`, so `Logger.Level(rawValue:)` maps it.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }
}
