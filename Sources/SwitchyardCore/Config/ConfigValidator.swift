/// Rules that span several keys, checked once every value is well formed. Errors point at the
/// line of the key to change when the file writes it (nil when the culprit is a default).
struct ConfigValidator {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maxSocketPathBytes = 107

    let config: SwitchyardConfig
    let root: ConfigNode

    func validate() throws(ConfigError) {
        try checkStateDirectory()
        try checkStore()
        try checkBackoff("refresh-backoff", config.refreshBackoff)
        try checkBackoff("quota-backoff", config.quotaBackoff)
        try checkDistinctListenAddresses()
        try checkExposure()
    }

    private func line(_ dottedKey: String) -> Int? {
        root.line(at: dottedKey.split(separator: ".").map(String.init))
    }

    private func checkStateDirectory() throws(ConfigError) {
        let socket = config.stateDir + "/control.sock"
        let bytes = socket.utf8.count
        guard bytes > Self.maxSocketPathBytes else { return }
        throw .invalidSetting(
            key: "state-dir", line: line("state-dir"),
            reason: "the control socket path \"\(socket)\" would be \(bytes) bytes, but a Unix socket path "
                + "holds at most \(Self.maxSocketPathBytes); choose a shorter state-dir"
        )
    }

    private func checkStore() throws(ConfigError) {
        guard config.store == .postgres, config.postgresURL == nil else { return }
        throw .invalidSetting(key: "postgres-url", line: line("postgres-url") ?? line("store"),
                              reason: "required when store is postgres")
    }

    private func checkBackoff(_ key: String, _ backoff: SwitchyardConfig.Backoff) throws(ConfigError) {
        guard backoff.initial > backoff.max else { return }
        throw .invalidSetting(
            key: key, line: line(key),
            reason: "initial (\(ConfigDuration.format(backoff.initial))) must not exceed max "
                + "(\(ConfigDuration.format(backoff.max)))"
        )
    }

    /// The addresses the supervisor binds: management and every enabled provider, in that order.
    private var listenAddresses: [(key: String, address: HostPort)] {
        var result = [("management.listen", config.management.listen)]
        for provider in Provider.allCases where config[provider].enabled {
            result.append(("providers.\(provider.rawValue).listen", config[provider].listen))
        }
        return result
    }

    /// Two sockets on one address cannot both bind; port 0 gets a fresh port each time.
    private func checkDistinctListenAddresses() throws(ConfigError) {
        let addresses = listenAddresses
        for (index, later) in addresses.enumerated() where later.address.port != 0 {
            guard let earlier = addresses[..<index].first(where: { $0.address == later.address }) else { continue }
            // Blame the one the file spells out: a clash with a default is fixed by the written one.
            let (blamed, other) = line(later.key) == nil && line(earlier.key) != nil ? (earlier, later) : (later, earlier)
            throw .invalidSetting(key: blamed.key, line: line(blamed.key),
                                  reason: "\(blamed.address) is also the address of \(other.key)")
        }
    }

    /// Without client keys anyone who reaches a provider port spends the pool; without a
    /// management key anyone who reaches the management port controls it. Both are only
    /// acceptable when nothing but this machine can connect.
    func checkExposure() throws(ConfigError) {
        if config.clientKeys.isEmpty {
            for provider in Provider.allCases where config[provider].enabled && !config[provider].listen.isLoopback {
                let key = "providers.\(provider.rawValue).listen"
                throw .invalidSetting(
                    key: key, line: line(key),
                    reason: "\(config[provider].listen) is not a loopback address, which needs client-keys set "
                        + "(with no client keys anyone who can connect would use the accounts)"
                )
            }
        }
        if config.management.key == nil, !config.management.listen.isLoopback {
            throw .invalidSetting(
                key: "management.key", line: line("management.key") ?? line("management.listen"),
                reason: "required when management.listen (\(config.management.listen)) is not a loopback address"
            )
        }
    }
}

extension ConfigNode {
    /// The line of the entry at `keys` (a dotted path split), if the document writes it.
    func line(at keys: [String]) -> Int? {
        guard let first = keys.first, case .mapping(let entries) = self,
              let entry = entries.first(where: { $0.key == first })
        else { return nil }
        return keys.count == 1 ? entry.line : entry.value.line(at: Array(keys.dropFirst()))
    }
}
