/// A token endpoint call as parsed from the provider's body format.
struct TokenRequest: Sendable {
    var grantType: String?
    var refreshToken: String?
    var clientID: String?
}

/// What the state decided for a token call. The decision (and any rotation) is taken when the
/// call arrives, before any simulated latency: like a real upstream that commits the rotation
/// and then loses the response, a client killed during a slow refresh has still consumed its token.
enum TokenDecision: Sendable {
    case badRequest(String)
    /// No account holds this refresh token: 400 invalid_grant, not a reuse.
    case unknownToken
    /// A consumed refresh token came back: counted as a reuse.
    case reused(SimAccount)
    case failed(RefreshBehaviour, SimAccount)
    /// Tokens were issued; `delay` is the scripted extra latency (`slow`).
    case issued(SimAccount, delay: Duration)

    /// The account whose per-account in-flight counter the call holds.
    var accountID: String? {
        switch self {
        case .badRequest, .unknownToken: nil
        case .reused(let account), .failed(_, let account), .issued(let account, _): account.id
        }
    }
}
