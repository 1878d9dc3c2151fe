/// Which call failed (SPEC §6). The same HTTP status means different things per source — a
/// 403 from the token endpoint is an organization policy to back off from, a 403 from the
/// usage endpoint is "quota unavailable", a 401 from the API means "refresh and retry" — so
/// every classification starts from the source, never from the status alone.
public enum FailureSource: String, Sendable, CaseIterable {
    /// The OAuth token endpoint (refresh-token exchange).
    case refresh
    /// The provider's usage/quota endpoint.
    case quota
    /// A client request forwarded to the provider's API.
    case api
}
