/// Classifies a failed upstream call by its source and its structured fields (SPEC §6).
///
/// The whole policy is `rules`, one table read top to bottom; the first row that matches
/// decides. Its order is SPEC §6's precedence: `deactivated` > `reauth_required` >
/// `verification_required` > the status rules of each source. Pure and allocation-light
/// enough for the request path; call it for failures only.
public enum FailureClassifier {
    /// The upstream codes SPEC §6 names, lowercased as `ErrorFields.codes` holds them.
    enum Codes {
        static let deactivated: Set<String> = ["account_deactivated", "account_suspended", "account_deleted"]
        static let reauth: Set<String> = [
            "invalid_grant", "refresh_token_expired", "refresh_token_reused", "refresh_token_invalidated",
            "token_expired", "token_invalidated", "token_revoked", "app_session_terminated",
            "account_session_expired",
        ]
        static let clientConfiguration: Set<String> = ["invalid_client", "unauthorized_client"]
        static let verification: Set<String> = ["validation_required"]
        static let overloaded: Set<String> = ["overloaded_error", "server_is_overloaded"]
        static let quotaExhausted = "quota_exhausted"
    }

    /// Message phrases that mean the upstream account is gone (lowercased; any source, any status).
    static let deactivatedPhrases = ["account has been deactivated", "suspended", "organization has been disabled"]

    static let refreshRetryAfter = FailureRule.RetryAfterRule.clamp(floor: .seconds(5), ceiling: .seconds(300))
    static let quotaRetryAfter = FailureRule.RetryAfterRule.floor(.seconds(60))
    /// API 429 without any reset information (SPEC §6.4).
    static let defaultCooldown: Duration = .seconds(60)

    /// The policy, SPEC §6.1–§6.4 in order. Every source ends with a catch-all row.
    static let rules: [FailureRule] = [
        // deactivated — any source, any status (§6.1).
        FailureRule([.refresh, .quota, .api], when: .code(Codes.deactivated), then: .disable(.deactivated)),
        FailureRule([.refresh, .quota, .api], when: .messageContains(deactivatedPhrases), then: .disable(.deactivated)),

        // reauth_required — the token endpoint (§6.1). A wrong OAuth client is checked first:
        // it fails every account at once, and must disable none of them.
        FailureRule([.refresh], when: .code(Codes.clientConfiguration), then: .configurationError),
        FailureRule([.refresh], when: .code(Codes.reauth), then: .disable(.reauthRequired)),
        FailureRule([.refresh], when: .status([401]), then: .disable(.reauthRequired)),

        // verification_required — Gemini API 403 VALIDATION_REQUIRED (§6.4).
        FailureRule([.api], .gemini, when: .code(Codes.verification), then: .disable(.verificationRequired)),

        // Refresh status rules (§6.2): nothing below disables. Any other 403 is an
        // organization policy (Claude), 2xx here means the body could not be read.
        FailureRule([.refresh], when: .noResponse, then: .transient(.ignore)),
        FailureRule([.refresh], when: .status([429]), then: .transient(refreshRetryAfter)),
        FailureRule([.refresh], when: .status([403, 408]), then: .transient(.ignore)),
        FailureRule([.refresh], when: .statusRange(500...599), then: .transient(.ignore)),
        FailureRule([.refresh], when: .statusRange(200...299), then: .transient(.ignore)),
        FailureRule([.refresh], when: .always, then: .transient(.ignore)),

        // Quota reads (§6.3).
        FailureRule([.quota], when: .noResponse, then: .transient(.ignore)),
        FailureRule([.quota], when: .status([401]), then: .forceRefreshThenRetry),
        FailureRule([.quota], when: .status([403]), then: .quotaUnavailable),
        FailureRule([.quota], when: .status([429]), then: .transient(quotaRetryAfter)),
        FailureRule([.quota], when: .statusRange(500...599), then: .transient(.ignore)),
        FailureRule([.quota], when: .status([402, 404]), then: .neutral),
        FailureRule([.quota], when: .statusRange(200...299), then: .transient(.ignore)),
        FailureRule([.quota], when: .always, then: .neutral),

        // API responses (§6.4). Overload codes come first: Codex sends
        // server_is_overloaded in a 200 stream.
        FailureRule([.api], when: .noResponse, then: .retryElsewhere),
        FailureRule([.api], when: .code(Codes.overloaded), then: .retryElsewhere),
        FailureRule([.api], when: .status([401]), then: .forceRefreshThenRetry),
        FailureRule([.api], when: .status([429]), then: .cooldown),
        FailureRule([.api], when: .statusRange(500...599), then: .retryElsewhere),
        FailureRule([.api], when: .always, then: .neutral),
    ]

    /// Classifies one failed call.
    /// - Parameters:
    ///   - status: the HTTP status; nil when no response arrived. For a 2xx (a refresh or
    ///     quota body that could not be read, an in-stream error) pass the 2xx and the body.
    ///   - headers: response headers, names in any case.
    ///   - transportError: libcurl's description when the transfer failed; it wins over `status`.
    ///   - now: Unix seconds, for Retry-After dates and cooldown times.
    public static func classify(
        source: FailureSource, provider: Provider, status: Int?, headers: [(String, String)] = [],
        body: [UInt8] = [], transportError: String? = nil, now: Int64
    ) -> Decision {
        classify(
            source: source, provider: provider, status: status, headers: headers,
            fields: ErrorFields.extract(body: body), transportError: transportError, now: now)
    }

    /// As above, for a body already read into `ErrorFields`.
    public static func classify(
        source: FailureSource, provider: Provider, status: Int?, headers: [(String, String)] = [],
        fields: ErrorFields, transportError: String? = nil, now: Int64
    ) -> Decision {
        classifyNamingCode(
            source: source, provider: provider, status: status, headers: headers, fields: fields,
            transportError: transportError, now: now
        ).decision
    }

    /// As above, with the upstream code the decision rests on (the rule's own code, else the
    /// first one the body carries): what a worker reports to the supervisor, which classifies
    /// that code and status again and must come to the same decision.
    public static func classifyNamingCode(
        source: FailureSource, provider: Provider, status: Int?, headers: [(String, String)] = [],
        fields: ErrorFields, transportError: String? = nil, now: Int64
    ) -> (decision: Decision, code: String?) {
        let input = FailureInput(
            source: source, provider: provider, status: status, headers: headers, fields: fields,
            transportError: transportError, now: now)
        for rule in rules {
            if let match = rule.match(input) {
                let code = match.code ?? fields.codes.first
                // A deactivation found by its phrase may sit in a message field a worker's
                // report does not carry: it is reported under the code that decides the same.
                let byPhrase = rule.outcome == .disable(.deactivated) && match.code == nil
                return (decision(rule.outcome, input: input, code: code), byPhrase ? "account_deactivated" : code)
            }
        }
        // Unreachable: each source's rows end with `.always`.
        return (.neutral(message: describe(input, code: fields.codes.first)), fields.codes.first)
    }

    private static func decision(_ outcome: FailureRule.Outcome, input: FailureInput, code: String?) -> Decision {
        let message = describe(input, code: code)
        switch outcome {
        case .disable(let kind):
            return .permanent(kind, code: code, message: message)
        case .configurationError:
            return .configurationError(code: code ?? "invalid_client", message: message)
        case .transient(let rule):
            return .transient(retryAfter: retryAfter(rule, input: input), message: message)
        case .quotaUnavailable:
            return .quotaUnavailable(message: message)
        case .cooldown:
            let model = input.provider == .gemini ? input.fields.model : nil
            return .cooldown(until: cooldownUntil(input), reason: message, model: model)
        case .retryElsewhere:
            return .retryElsewhere(message: message)
        case .forceRefreshThenRetry:
            return .forceRefreshThenRetry
        case .neutral:
            return .neutral(message: message)
        }
    }

    private static func retryAfter(_ rule: FailureRule.RetryAfterRule, input: FailureInput) -> Duration? {
        switch rule {
        case .ignore: nil
        case .clamp(let floor, let ceiling):
            input.retryAfter.map { JitteredBackoff.retryAfterClamp($0, floor: floor, ceiling: ceiling) }
        case .floor(let floor): max(input.retryAfter ?? floor, floor)
        }
    }

    /// When an API 429's cooldown ends: the latest of every reset the upstream gave
    /// (Retry-After, `anthropic-ratelimit-unified-reset`, Codex `resets_at` and
    /// `resets_in_seconds`, Google `quotaResetDelay` when the reason is QUOTA_EXHAUSTED and
    /// RetryInfo `retryDelay`) — "the longer wins" — else 60 s. Resets already past are
    /// ignored; none is taken beyond a week (`RetryAfterHeader.ceiling`).
    static func cooldownUntil(_ input: FailureInput) -> Int64 {
        let now = input.now
        let fields = input.fields
        var latest: Int64?
        func consider(_ time: Int64?) {
            guard let time, time > now else { return }
            latest = max(latest ?? time, time)
        }
        func consider(after delay: Duration?) {
            consider(delay.map { LifecycleTime.adding($0, to: now) })
        }
        consider(after: input.retryAfter)
        if let reset = input.header("anthropic-ratelimit-unified-reset").flatMap({ Double($0) }),
            reset.isFinite, reset > 0, reset < 1e15
        {
            consider(Int64(reset.rounded(.up)))
        }
        consider(fields.resetsAt)
        consider(after: fields.resetsIn)
        if fields.codes.contains(Codes.quotaExhausted) { consider(after: fields.quotaResetDelay) }
        consider(after: fields.retryDelay)
        let ceiling = LifecycleTime.adding(RetryAfterHeader.ceiling, to: now)
        return min(latest ?? LifecycleTime.adding(defaultCooldown, to: now), ceiling)
    }

    /// Human text naming the upstream code: "invalid_grant: Token has been expired or
    /// revoked.", "permission_error (HTTP 403)", "HTTP 503: …", "network error: …".
    /// Sanitized: never token text, one line, bounded.
    static func describe(_ input: FailureInput, code: String?) -> String {
        if let transportError = input.transportError {
            return "network error: " + UpstreamErrorText.sanitize(transportError)
        }
        guard let status = input.response else { return "no response from upstream" }
        let text = input.fields.message.map(UpstreamErrorText.sanitize).flatMap { $0.isEmpty ? nil : $0 }
        switch (code, text) {
        case (let code?, let text?): return "\(code): \(text)"
        case (let code?, nil): return "\(code) (HTTP \(status))"
        case (nil, let text?): return "HTTP \(status): \(text)"
        case (nil, nil):
            return (200...299).contains(status) ? "malformed response (HTTP \(status))" : "HTTP \(status)"
        }
    }
}
