/// Keeps secrets out of `print`, `dump`, string interpolation and test-failure messages of the
/// config types: client keys, the management key, client secrets, header values (which may carry
/// credentials) and the postgres URL (which may hold a password) show as "<redacted>".
/// A config gets logged whole more often than anyone plans to.
enum ConfigRedaction {
    static let marker = "<redacted>"

    static func redact(_ value: String?) -> String? {
        value.map { _ in marker }
    }
}

extension SwitchyardConfig: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: [
            "stateDir": stateDir, "accountsDir": accountsDir, "store": store,
            "postgresURL": ConfigRedaction.redact(postgresURL) as Any,
            "refreshConcurrency": refreshConcurrency, "refreshBurstDelay": refreshBurstDelay,
            "refreshLead": refreshLead, "refreshBackoff": refreshBackoff, "quotaInterval": quotaInterval,
            "quotaBackoff": quotaBackoff, "disableGuard": disableGuard,
            "clientKeys": clientKeys.map { _ in ConfigRedaction.marker },
            "management": management, "workers": workers, "upstream": upstream, "client": client, "log": log,
            "providers": providers,
        ], displayStyle: .struct)
    }
}

extension SwitchyardConfig.Management: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: ["listen": listen, "key": ConfigRedaction.redact(key) as Any], displayStyle: .struct)
    }
}

extension ProviderConfig: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: [
            "enabled": enabled, "listen": listen, "selection": selection, "sessionAffinity": sessionAffinity,
            "maxAttempts": maxAttempts, "tokenURL": tokenURL, "apiBase": apiBase, "usageURL": usageURL,
            "authorizeURL": authorizeURL, "clientID": clientID,
            "clientSecret": ConfigRedaction.redact(clientSecret) as Any, "redirectURI": redirectURI,
            "headers": headers.mapValues { _ in ConfigRedaction.marker }, "models": models,
        ], displayStyle: .struct)
    }
}
