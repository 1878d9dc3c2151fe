/// An upstream response on the request path that matters to the account's state (SPEC §4, §6.4):
/// 401, 403, 429 with its reset, 5xx/overloaded, or a discovered Gemini `project_id`.
///
/// The worker reacts at once on its own copy of the pool (it skips a cooling account without
/// waiting); the supervisor classifies the outcome, persists the result and pushes the pool
/// update to every worker of the provider.
///
/// Provisional: the lifecycle engine may refine the fields.
public struct Outcome: Codable, Sendable, Equatable {
    public var accountID: String
    /// `api` for client traffic (SPEC §6's sources; refresh and quota have their own results).
    public var source: String
    /// 200 for a project discovery.
    public var httpStatus: Int
    /// The structured error code (`error.code`, `error.type`, Google's `details[].reason` …).
    public var errorCode: String?
    /// The upstream's error message, cut to a few hundred bytes.
    public var message: String?
    /// `Retry-After`, in whole seconds.
    public var retryAfterSeconds: Int?
    /// Unix seconds when the limit resets, from the provider's reset information.
    public var resetsAt: Int64?
    /// The model a model-scoped limit applies to (Gemini).
    public var model: String?
    /// A Gemini project discovered with `loadCodeAssist`, for the supervisor to store.
    public var projectID: String?
    /// For a 401: the sha256 (lowercase hex) of the access token the upstream refused, so the
    /// supervisor refreshes only while the account still holds that token.
    public var accessTokenSHA256: String?

    public init(
        accountID: String,
        source: String = "api",
        httpStatus: Int,
        errorCode: String? = nil,
        message: String? = nil,
        retryAfterSeconds: Int? = nil,
        resetsAt: Int64? = nil,
        model: String? = nil,
        projectID: String? = nil,
        accessTokenSHA256: String? = nil
    ) {
        self.accountID = accountID
        self.source = source
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.resetsAt = resetsAt
        self.model = model
        self.projectID = projectID
        self.accessTokenSHA256 = accessTokenSHA256
    }

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case source
        case httpStatus = "http_status"
        case errorCode = "error_code"
        case message
        case retryAfterSeconds = "retry_after_seconds"
        case resetsAt = "resets_at"
        case model
        case projectID = "project_id"
        case accessTokenSHA256 = "access_token_sha256"
    }
}
