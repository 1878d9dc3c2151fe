/// A scriptable outcome. Tests name behaviours by their raw value in the admin API, so the raw
/// values are the contract; Swift case names are only for readability.
protocol Behaviour: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

/// What a token endpoint answers on an account's next refresh (after the reuse check, which
/// always wins: a consumed refresh token is answered as reused whatever is scripted).
enum RefreshBehaviour: String, Behaviour {
    case ok
    /// Sleeps the account's `latency_ms`, then behaves like `ok`.
    case slow
    /// 200 with a body that is not JSON.
    case malformed
    /// Headers, half a body, then the connection drops (a network error); tokens do not rotate.
    case disconnect
    /// Plain 401 with no JSON body.
    case unauthorized
    case deactivated
    case overloaded
    case invalidGrant = "invalid_grant"
    case tokenExpired = "token_expired"
    case refreshTokenReused = "refresh_token_reused"
    case invalidClient = "invalid_client"
    case unauthorizedClient = "unauthorized_client"
    case orgForbidden = "org_forbidden"
    case rateLimited = "rate_limited"
    case serverError = "server_error"
}

/// What a quota (usage) endpoint answers on an account's next call.
enum UsageBehaviour: String, Behaviour {
    case ok
    case forbidden
    case unauthorized
    case deactivated
    case rateLimited = "rate_limited"
    case serverError = "server_error"
    /// A bare 404, as seen during upstream outages; must never disable anything.
    case notFound = "not_found"
}

/// What an API endpoint (messages, responses, generateContent…) answers on an account's next call.
enum ApiBehaviour: String, Behaviour {
    case ok
    case unauthorized
    case overloaded
    case deactivated
    case rateLimited = "rate_limited"
    /// A short per-minute limit: only Retry-After / RetryInfo, no quota reset information.
    case rateLimitedShort = "rate_limited_short"
    /// Claude: HTTP 200 stream that ends with an in-stream `overloaded_error` event.
    case overloadedInStream = "overloaded_in_stream"
    case validationRequired = "validation_required"
    /// Events `stream_gap_ms` apart (non-streaming replies wait the same total time).
    case slowStream = "slow_stream"
    /// Sends half of the stream and then drops the connection without ending the body.
    case streamCut = "stream_cut"
    case serverError = "server_error"
    /// A 400-class payload error that must reach the client unchanged.
    case badRequest = "bad_request"
}

/// A list of behaviours consumed one per call; the last one repeats forever, so `["server_error","ok"]`
/// fails once and then succeeds. Decodes from a single string or a non-empty list of strings.
struct Script<Value: Behaviour>: Sendable, Decodable {
    private var steps: [Value]
    private var position = 0

    init(_ value: Value) {
        steps = [value]
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let names: [String]
        if let single = try? container.decode(String.self) {
            names = [single]
        } else {
            names = try container.decode([String].self)
        }
        guard !names.isEmpty else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "empty behaviour list")
        }
        steps = try names.map { name in
            guard let value = Value(rawValue: name) else {
                let valid = Value.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown behaviour \"\(name)\" (expected one of: \(valid))")
            }
            return value
        }
    }

    /// Takes the behaviour for this call and advances, keeping the last step.
    mutating func next() -> Value {
        let value = steps[position]
        if position < steps.count - 1 { position += 1 }
        return value
    }

    /// The steps not yet consumed (the last one repeats), for the admin view.
    var pending: [String] {
        steps[position...].map(\.rawValue)
    }
}
