extension ConfigParser {
    static let providerKeys: Set<String> = [
        "enabled", "listen", "selection", "session-affinity", "max-attempts", "token-url", "api-base", "usage-url",
        "authorize-url", "client-id", "client-secret", "redirect-uri", "headers", "models",
    ]

    /// `providers.<provider>`. Every key may be set under every provider; Gemini's usage URL
    /// follows the configured `api-base` unless set itself.
    static func readProvider(_ provider: Provider, from providers: ConfigMappingReader) throws(ConfigError) -> ProviderConfig {
        let reader = try providers.section(provider.rawValue, allowed: providerKeys)
        var config = ProviderConfig.defaults(for: provider)
        config.enabled = try reader.bool("enabled", config.enabled)
        config.listen = try reader.hostPort("listen", config.listen)
        config.selection = try reader.choice("selection", config.selection)
        config.sessionAffinity = try reader.duration("session-affinity", config.sessionAffinity)
        config.maxAttempts = try reader.count("max-attempts", config.maxAttempts)
        config.tokenURL = try reader.url("token-url", config.tokenURL)
        config.apiBase = ConfigValueParser.withoutTrailingSlashes(try reader.url("api-base", config.apiBase))
        let usageDefault = ProviderConfig.defaultUsageURL(for: provider, apiBase: config.apiBase)
        config.usageURL = try reader.url("usage-url", usageDefault)
        config.authorizeURL = try reader.url("authorize-url", config.authorizeURL)
        config.clientID = try reader.value("client-id", config.clientID, expected: "a non-empty string") {
            $0.isEmpty ? nil : $0
        }
        config.clientSecret = try reader.optionalString("client-secret", config.clientSecret)
        config.redirectURI = try reader.url("redirect-uri", config.redirectURI)
        config.headers = try reader.stringMap("headers", config.headers, validKey: ConfigValueParser.isHeaderName,
                                              validValue: ConfigValueParser.isHeaderValue)
        config.models = try reader.strings("models", config.models)
        return config
    }
}
