/// Typed getters, one per kind of value in SPEC §3, so every key of a kind reads and reports
/// alike. Each returns `fallback` when the key is absent or written empty.
extension ConfigMappingReader {
    func duration(_ name: String, _ fallback: Duration) throws(ConfigError) -> Duration {
        try value(name, fallback, expected: ConfigExpectation.duration, ConfigDuration.parse)
    }

    /// A duration above zero: for intervals and timeouts, where zero would spin or never wait.
    func positiveDuration(_ name: String, _ fallback: Duration) throws(ConfigError) -> Duration {
        try value(name, fallback, expected: ConfigExpectation.positiveDuration, ConfigValueParser.positiveDuration)
    }

    func count(_ name: String, _ fallback: Int) throws(ConfigError) -> Int {
        try value(name, fallback, expected: ConfigExpectation.countAtLeastOne, ConfigValueParser.countAtLeastOne)
    }

    func bool(_ name: String, _ fallback: Bool) throws(ConfigError) -> Bool {
        try value(name, fallback, expected: ConfigExpectation.bool, ConfigValueParser.bool)
    }

    func hostPort(_ name: String, _ fallback: HostPort) throws(ConfigError) -> HostPort {
        try value(name, fallback, expected: ConfigExpectation.hostPort, HostPort.parse)
    }

    func url(_ name: String, _ fallback: String) throws(ConfigError) -> String {
        try value(name, fallback, expected: ConfigExpectation.url, ConfigValueParser.url)
    }

    /// Any string; written empty (`""`) gives nil, absent or `~` gives `fallback`.
    func optionalString(_ name: String, _ fallback: String?) throws(ConfigError) -> String? {
        guard let (text, _) = try scalar(name, expected: "a string") else { return fallback }
        return text.isEmpty ? nil : text
    }

    /// One of an enum's raw values.
    func choice<E>(_ name: String, _ fallback: E) throws(ConfigError) -> E
    where E: RawRepresentable & CaseIterable, E.RawValue == String {
        try value(name, fallback, expected: ConfigExpectation.oneOf(E.self), E.init(rawValue:))
    }
}
