/// The supervisor asks a worker to read one account's quota from the provider's usage URL,
/// with the account's current access token from the pool.
///
/// Provisional: the lifecycle engine may refine the fields.
public struct QuotaRequest: Codable, Sendable, Equatable {
    /// Echoed in the `QuotaResult`.
    public var requestID: String
    public var accountID: String

    public init(requestID: String, accountID: String) {
        self.requestID = requestID
        self.accountID = accountID
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case accountID = "account_id"
    }
}
