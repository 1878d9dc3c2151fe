import Foundation

/// An error the worker answers itself (SPEC §8's table), in the shape of the client's
/// provider API so that its SDK can parse it. The texts are fixed: they never carry an
/// account's e-mail, id or token — nothing about the pool but a wait time.
public enum ClientError: Error, Sendable, Equatable {
    /// Every enabled account is cooling; the first is usable again after this many seconds.
    case allCooling(retryAfterSeconds: Int64)
    case noUsableAccount
    case badClientKey
    case bodyTooLarge(limitBytes: Int)
    /// Not JSON, or a required field missing; `reason` names what is wrong with the request
    /// (it comes from the client's own body, never from an account).
    case malformed(reason: String)

    public var status: Int {
        switch self {
        case .allCooling: 429
        case .noUsableAccount: 503
        case .badClientKey: 401
        case .bodyTooLarge: 413
        case .malformed: 400
        }
    }

    /// Headers beyond `Content-Type: application/json`: `Retry-After` for "all cooling".
    public var headers: [(name: String, value: String)] {
        if case .allCooling(let seconds) = self { return [("retry-after", String(max(1, seconds)))] }
        return []
    }

    public var message: String {
        switch self {
        case .allCooling(let seconds):
            "Every account is rate limited; retry in \(max(1, seconds)) s."
        case .noUsableAccount:
            "No account is available to serve this request."
        case .badClientKey:
            "Invalid or missing API key."
        case .bodyTooLarge(let limit):
            "Request body exceeds the limit of \(limit) bytes."
        case .malformed(let reason):
            "Malformed request: \(reason)"
        }
    }

    /// The JSON body for `provider`'s client API.
    public func body(for provider: Provider) -> Data {
        let value: JSONValue
        switch provider {
        case .claude:
            value = .object(["type": .string("error"), "error": .object([
                "type": .string(claudeType), "message": .string(message),
            ])])
        case .codex:
            let (type, code) = codexTypeAndCode
            value = .object(["error": .object([
                "type": .string(type), "code": .string(code), "message": .string(message),
            ])])
        case .gemini:
            value = .object(["error": .object([
                "code": .int(Int64(status)), "status": .string(googleStatus), "message": .string(message),
            ])])
        }
        return value.serialized()
    }

    private var claudeType: String {
        switch self {
        case .allCooling: "rate_limit_error"
        case .noUsableAccount: "overloaded_error"
        case .badClientKey: "authentication_error"
        case .bodyTooLarge: "request_too_large"
        case .malformed: "invalid_request_error"
        }
    }

    private var codexTypeAndCode: (String, String) {
        switch self {
        case .allCooling: ("usage_limit_reached", "all_accounts_cooling")
        case .noUsableAccount: ("server_error", "no_account_available")
        case .badClientKey: ("invalid_request_error", "invalid_api_key")
        case .bodyTooLarge: ("invalid_request_error", "request_too_large")
        case .malformed: ("invalid_request_error", "invalid_request")
        }
    }

    private var googleStatus: String {
        switch self {
        case .allCooling: "RESOURCE_EXHAUSTED"
        case .noUsableAccount: "UNAVAILABLE"
        case .badClientKey: "UNAUTHENTICATED"
        case .bodyTooLarge, .malformed: "INVALID_ARGUMENT"
        }
    }
}

extension ClientError {
    /// The error for a selection that found no account, or nil when it found one.
    public init?(_ selection: Selection) {
        switch selection {
        case .account: return nil
        case .allCooling(let seconds): self = .allCooling(retryAfterSeconds: seconds)
        case .noneUsable: self = .noUsableAccount
        }
    }
}
