import Foundation
import SwitchyardCore
import SwitchyardProtocol
import Synchronization

/// What the data path reads from the config for every request, computed once per `config`
/// message (not per request) and swapped as a whole, so a request sees one consistent config.
struct ProxySettings: Sendable {
    let provider: Provider
    let upstream: ProviderConfig
    let clientKeys: ClientKeys
    let maxBodyBytes: Int
    let maxAttempts: Int
    let connectTimeout: Duration
    let idleTimeout: Duration
    let headerTimeoutMs: Int64
    let clientIdleTimeoutMs: Int64
    /// The models endpoint's answer, serialized once.
    let modelsBody: Data

    init(provider: Provider, config: WorkerConfig) {
        self.provider = provider
        upstream = UpstreamCalls.providerConfig(provider, config)
        clientKeys = ClientKeys(config.clientKeys)
        maxBodyBytes = config.maxBodyBytes
        maxAttempts = max(1, config.maxAttempts)
        connectTimeout = .milliseconds(config.upstreamConnectTimeoutMs)
        idleTimeout = .milliseconds(config.upstreamIdleTimeoutMs)
        headerTimeoutMs = max(1, config.headerTimeoutMs)
        clientIdleTimeoutMs = max(1, config.clientIdleTimeoutMs)
        modelsBody = ModelList.body(for: provider, configured: config.models)
    }
}

/// The current `ProxySettings`, replaced by the control task on each `config` message.
final class ProxySettingsBox: Sendable {
    private let current = Mutex<ProxySettings?>(nil)

    init() {}

    var settings: ProxySettings? { current.withLock { $0 } }

    /// `client.header-timeout`, read by each new connection (30 s until a config arrives).
    var headerTimeout: Duration {
        .milliseconds(current.withLock { $0?.headerTimeoutMs } ?? 30_000)
    }

    /// `client.idle-timeout`, read by each new connection (5 min until a config arrives), so a
    /// reload applies it to the connections that open afterwards.
    var clientIdleTimeout: Duration {
        .milliseconds(current.withLock { $0?.clientIdleTimeoutMs } ?? 300_000)
    }

    func replace(_ settings: ProxySettings) { current.withLock { $0 = settings } }
}
