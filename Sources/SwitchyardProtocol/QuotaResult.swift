/// What a quota read returned, reported raw; the supervisor parses the provider's shape and
/// applies SPEC §6.3.
///
/// Provisional: the lifecycle engine may refine the fields (e.g. parsed windows).
public struct QuotaResult: Codable, Sendable, Equatable {
    public var requestID: String
    public var accountID: String
    /// `nil` when no response arrived (see `error`).
    public var httpStatus: Int?
    /// The response body, UTF-8 (invalid bytes replaced), capped by the worker.
    public var body: String?
    /// A response's `Retry-After`, in whole seconds.
    public var retryAfterSeconds: Int?
    /// Transport failure when no response arrived, or why the read was not attempted
    /// (e.g. the account is not in the pool).
    public var error: String?

    public init(
        requestID: String,
        accountID: String,
        httpStatus: Int? = nil,
        body: String? = nil,
        retryAfterSeconds: Int? = nil,
        error: String? = nil
    ) {
        self.requestID = requestID
        self.accountID = accountID
        self.httpStatus = httpStatus
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case accountID = "account_id"
        case httpStatus = "http_status"
        case body
        case retryAfterSeconds = "retry_after_seconds"
        case error
    }
}

extension QuotaResult: CustomStringConvertible {
    /// Safe to log: the body (which may name the account's owner) is reduced to its size.
    public var description: String {
        let status = httpStatus.map(String.init) ?? "none"
        return "QuotaResult(requestID: \(requestID), accountID: \(accountID), httpStatus: \(status), "
            + "body: \(body?.utf8.count ?? 0) bytes, error: \(error ?? "-"))"
    }
}
