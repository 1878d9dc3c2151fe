/// Why a provider's answer could not be read. Raised for 2xx bodies only: the caller
/// classifies error statuses from their structured fields before parsing (SPEC §6).
///
/// A parse failure of a refresh answer is a transient failure (SPEC §6.2 "malformed body").
/// The description names fields, never values, so it can never carry token text.
public enum ProviderParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not JSON at all (e.g. an HTML error page served with status 200).
    case notJSON
    /// The body is JSON but its top level is not an object.
    case notAnObject
    /// A token response without a non-empty `access_token`.
    case missingAccessToken
    /// A member the reading cannot do without is absent (dotted path, e.g. `rate_limit`).
    case missingField(String)
    /// A member has the wrong type or an unreadable value (dotted path, e.g.
    /// `five_hour.resets_at`, `buckets[2].remainingFraction`).
    case invalidField(String)

    public var description: String {
        switch self {
        case .notJSON: "response body is not JSON"
        case .notAnObject: "response body is not a JSON object"
        case .missingAccessToken: "token response has no access_token"
        case .missingField(let path): "response lacks \(path)"
        case .invalidField(let path): "response field \(path) has an unexpected type or value"
        }
    }
}
