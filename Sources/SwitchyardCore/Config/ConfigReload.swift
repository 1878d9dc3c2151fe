/// A config file read by `reload`, set against the configuration the supervisor runs with.
///
/// Restart-only (R) keys cannot change under a running process — the sockets are bound and the
/// store is open — so the running configuration keeps their start-up values while every L and
/// W key follows the file. Comparing each newly read file with this running configuration,
/// not with the previous file, makes `restart required` name exactly the R keys whose file
/// value differs from what runs: again on every reload until a restart, and no longer once the
/// file is put back.
public struct ConfigReload: Sendable, Equatable {
    /// The configuration in force after the reload: the file's L and W values, the running R values.
    public var running: SwitchyardConfig
    /// L and W keys changed since the previous running configuration, and every R key whose
    /// file value differs from its running value.
    public var changes: ConfigChanges

    /// Sets `file` (valid on its own) against `running`. Throws when the file's live keys,
    /// combined with the running listen addresses, would expose a running listener that the
    /// file no longer exposes: dropping `client-keys` or `management.key` together with moving
    /// a listener to loopback must wait for the restart that moves it.
    public init(file: SwitchyardConfig, running: SwitchyardConfig) throws(ConfigError) {
        let next = file.keepingRestartOnlyKeys(of: running)
        do {
            // No source lines: the offending address is the running one, not the file's.
            try ConfigValidator(config: next, root: .mapping([])).checkExposure()
        } catch .invalidSetting(let key, _, let reason) {
            throw .invalidSetting(key: key, line: nil, reason: reason + " (the running listen address, kept until a restart)")
        } catch {
            throw error
        }
        self.running = next
        changes = file.changes(from: running)
    }
}
