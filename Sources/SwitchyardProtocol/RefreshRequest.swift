/// The supervisor asks a worker to exchange one refresh token (SPEC §1: the supervisor never
/// calls a provider itself).
///
/// Provisional: the lifecycle engine may refine the fields; unknown fields are ignored by
/// either side, so additions stay compatible.
public struct RefreshRequest: Codable, Sendable, Equatable {
    /// Echoed in the `RefreshResult` and the `refresh_ack`; unique per supervisor run.
    public var requestID: String
    public var accountID: String
    public var refreshToken: String
    /// The OAuth client that issued the tokens when it is not the provider default (SPEC §5,
    /// e.g. Antigravity accounts); `nil` = `WorkerConfig.clientID` / `clientSecret`.
    public var clientID: String?
    public var clientSecret: String?
    /// The account's upstream proxy, which the refresh call must use too.
    public var proxyURL: String?

    public init(
        requestID: String,
        accountID: String,
        refreshToken: String,
        clientID: String? = nil,
        clientSecret: String? = nil,
        proxyURL: String? = nil
    ) {
        self.requestID = requestID
        self.accountID = accountID
        self.refreshToken = refreshToken
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.proxyURL = proxyURL
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case accountID = "account_id"
        case refreshToken = "refresh_token"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case proxyURL = "proxy_url"
    }
}

extension RefreshRequest: CustomStringConvertible {
    /// Safe to log: no token, no client secret, no proxy URL.
    public var description: String {
        "RefreshRequest(requestID: \(requestID), accountID: \(accountID))"
    }
}
