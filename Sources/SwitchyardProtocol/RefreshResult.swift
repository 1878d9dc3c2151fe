/// What a refresh call returned, reported raw so that all classification (SPEC §6) happens in
/// one place, the supervisor.
///
/// Durable before it is sent (SPEC §1): the worker first writes it to `<state-dir>/pending/`,
/// and deletes that record only on the matching `refresh_ack`. `consumedTokenSHA256` lets a
/// restarted supervisor apply the record only while the store still holds the token it consumed.
///
/// Provisional: the lifecycle engine may refine the fields.
public struct RefreshResult: Codable, Sendable, Equatable {
    public var requestID: String
    public var accountID: String
    /// Lowercase hex sha256 of the UTF-8 refresh token the call consumed.
    public var consumedTokenSHA256: String
    /// `nil` when no response arrived (see `error`).
    public var httpStatus: Int?
    /// The response body, UTF-8 (invalid bytes replaced), capped by the worker so the line stays
    /// under the bound. On success it holds the new tokens.
    public var body: String?
    /// A response's `Retry-After`, in whole seconds.
    public var retryAfterSeconds: Int?
    /// Transport failure (timeout, connection refused, TLS …) when no response arrived.
    public var error: String?

    public init(
        requestID: String,
        accountID: String,
        consumedTokenSHA256: String,
        httpStatus: Int? = nil,
        body: String? = nil,
        retryAfterSeconds: Int? = nil,
        error: String? = nil
    ) {
        self.requestID = requestID
        self.accountID = accountID
        self.consumedTokenSHA256 = consumedTokenSHA256
        self.httpStatus = httpStatus
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case accountID = "account_id"
        case consumedTokenSHA256 = "consumed_token_sha256"
        case httpStatus = "http_status"
        case body
        case retryAfterSeconds = "retry_after_seconds"
        case error
    }
}

extension RefreshResult: CustomStringConvertible {
    /// Safe to log: the body (new tokens) is reduced to its size.
    public var description: String {
        let status = httpStatus.map(String.init) ?? "none"
        return "RefreshResult(requestID: \(requestID), accountID: \(accountID), httpStatus: \(status), "
            + "body: \(body?.utf8.count ?? 0) bytes, error: \(error ?? "-"))"
    }
}
