/// A worker's first line: who it is and the proof that the supervisor started it.
///
/// The supervisor closes the connection (with a logged reason) when `token` is not the secret it
/// put in that child's environment or `protocol` is not `WireCodec.protocolVersion` (SPEC §4).
public struct Hello: Codable, Sendable, Equatable {
    public var provider: String
    public var pid: Int32
    /// The worker's `WireCodec.protocolVersion`.
    public var `protocol`: Int
    /// The per-child secret from the environment; never logged.
    public var token: String
    /// The generation number the supervisor gave this child, when it gave one.
    public var generation: Int?

    public init(provider: String, pid: Int32, protocol: Int = WireCodec.protocolVersion, token: String, generation: Int? = nil) {
        self.provider = provider
        self.pid = pid
        self.protocol = `protocol`
        self.token = token
        self.generation = generation
    }
}

extension Hello: CustomStringConvertible {
    /// Safe to log: the token is left out.
    public var description: String {
        "Hello(provider: \(provider), pid: \(pid), protocol: \(self.protocol), generation: \(generation.map(String.init) ?? "-"))"
    }
}
