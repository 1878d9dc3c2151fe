import Foundation

/// The structured parts of an upstream error body that SPEC §6 classifies by — every place
/// the three providers (and their OAuth servers) put an error code, a message, or reset
/// information. Reading them all in one pass is what lets the classifier match on *codes*
/// rather than on a status alone (the bug in the seeds: a quota 403 and a refresh 403 told
/// apart by nothing).
///
/// Shapes read (PROVIDERS.md):
/// - OAuth: `{"error":"invalid_grant","error_description":"…"}`, `error_code`, `code`;
/// - OpenAI: `{"error":{"code":"token_expired","type":"…","message":"…","resets_at":…,"resets_in_seconds":…}}`;
/// - Anthropic: `{"type":"error","error":{"type":"overloaded_error","message":"…"}}`;
/// - Google: `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"…","details":[ErrorInfo, RetryInfo]}}`;
/// - FastAPI-style `{"detail":"…"}` / `{"detail":{"code":"…","message":"…"}}` (ChatGPT backend).
/// A top-level array (Google's non-SSE stream endpoints) is read through its first object.
public struct ErrorFields: Sendable, Equatable {
    /// Every code found, lowercased, without repeats, in this order: `error.code` (a string;
    /// Google's numeric `error.code` is the HTTP status and is ignored), `error.type`,
    /// `error` (a string), `error_code`, `code` (a string), `error.status`,
    /// `details[].reason`, `detail.code`. A "code" containing whitespace is prose, not a
    /// code: it is read as a message instead.
    public var codes: [String]
    /// The first non-empty of `error.message`, `error_description`, `message`, a prose
    /// `error` string, `detail`. Raw upstream text: sanitize before showing it.
    public var message: String?
    /// The other non-empty ones of those, in that order: the deactivation phrases of SPEC §6.1
    /// are looked for in every message field, not only the first.
    public var otherMessages: [String] = []
    /// Google's `error.status` as sent, e.g. `RESOURCE_EXHAUSTED`.
    public var googleStatus: String?
    /// Google's `details[].reason` (ErrorInfo) as sent, e.g. `QUOTA_EXHAUSTED`.
    public var googleReasons: [String]
    /// Google's ErrorInfo `metadata.quotaResetDelay` (the longest, if several).
    public var quotaResetDelay: Duration?
    /// Google's RetryInfo `retryDelay` (the longest, if several).
    public var retryDelay: Duration?
    /// Google's ErrorInfo `metadata.model`: the model whose quota is exhausted.
    public var model: String?
    /// Codex `resets_at` (Unix seconds), in `error` or at the top level.
    public var resetsAt: Int64?
    /// Codex `resets_in_seconds`, in `error` or at the top level.
    public var resetsIn: Duration?

    public init(
        codes: [String] = [], message: String? = nil, googleStatus: String? = nil,
        googleReasons: [String] = [], quotaResetDelay: Duration? = nil, retryDelay: Duration? = nil,
        model: String? = nil, resetsAt: Int64? = nil, resetsIn: Duration? = nil
    ) {
        self.codes = codes
        self.message = message
        self.googleStatus = googleStatus
        self.googleReasons = googleReasons
        self.quotaResetDelay = quotaResetDelay
        self.retryDelay = retryDelay
        self.model = model
        self.resetsAt = resetsAt
        self.resetsIn = resetsIn
    }

    /// Reads `body`; a body that is not JSON (an HTML error page, an empty body) gives empty
    /// fields, never an error: classification then falls back to the status rules.
    public static func extract(body: [UInt8]) -> ErrorFields {
        guard looksLikeJSON(body) else { return ErrorFields() }
        return extract(data: Data(body))
    }

    /// As `extract(body: [UInt8])`.
    public static func extract(body: Data) -> ErrorFields {
        guard looksLikeJSON(body) else { return ErrorFields() }
        return extract(data: body)
    }

    /// Reads an already parsed body.
    public static func extract(json: JSONValue) -> ErrorFields {
        var root = json
        if let items = json.arrayValue {
            guard let first = items.first(where: { $0.objectValue != nil }) else { return ErrorFields() }
            root = first
        }
        guard root.objectValue != nil else { return ErrorFields() }
        var reader = Reader()
        reader.read(root: root)
        return reader.fields
    }

    private static func extract(data: Data) -> ErrorFields {
        guard let value = try? JSONValue.parse(data) else { return ErrorFields() }
        return extract(json: value)
    }

    /// Skips the JSON decoder for bodies that cannot be an object or array (HTML, plain text).
    private static func looksLikeJSON<Bytes: Collection<UInt8>>(_ body: Bytes) -> Bool {
        guard let first = body.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        else { return false }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }
}

// MARK: - Reading

extension ErrorFields {
    /// Accumulates fields in the documented order.
    private struct Reader {
        var fields = ErrorFields()

        mutating func read(root: JSONValue) {
            let error = root["error"]
            let errorObject = error?.objectValue != nil ? error : nil
            var proseError: String?

            if let errorObject {
                addCode(errorObject["code"])
                addCode(errorObject["type"])
            } else if let text = error?.stringValue, !addCode(text) {
                proseError = text
            }
            addCode(root["error_code"])
            addCode(root["code"])
            if let status = errorObject?["status"]?.stringValue, addCode(status) {
                fields.googleStatus = status
            }
            readDetails(errorObject?["details"])
            readDetails(root["details"])
            let detail = readDetail(root["detail"])
            readResets(errorObject)
            readResets(root)

            for candidate in [
                errorObject?["message"]?.stringValue, root["error_description"]?.stringValue,
                root["message"]?.stringValue, proseError, detail,
            ] {
                guard let candidate, !candidate.isEmpty else { continue }
                if fields.message == nil {
                    fields.message = candidate
                } else if candidate != fields.message {
                    fields.otherMessages.append(candidate)
                }
            }
        }

        /// Adds `value` when it is a code-like string; returns whether it did.
        @discardableResult
        mutating func addCode(_ value: JSONValue?) -> Bool {
            guard let text = value?.stringValue else { return false }
            return addCode(text)
        }

        @discardableResult
        mutating func addCode(_ text: String) -> Bool {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 100,
                !trimmed.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) })
            else { return false }
            let code = trimmed.lowercased()
            if !fields.codes.contains(code) { fields.codes.append(code) }
            return true
        }

        /// Google `details[]`: ErrorInfo (`reason`, `metadata.quotaResetDelay`, `metadata.model`)
        /// and RetryInfo (`retryDelay`). Matched by member, not by `@type`, so a detail
        /// without its type URL still counts.
        mutating func readDetails(_ value: JSONValue?) {
            guard let details = value?.arrayValue else { return }
            for detail in details {
                if let reason = detail["reason"]?.stringValue, addCode(reason) {
                    fields.googleReasons.append(reason)
                }
                let metadata = detail["metadata"]
                if let delay = metadata?["quotaResetDelay"]?.stringValue.flatMap(GoDuration.parse) {
                    fields.quotaResetDelay = Swift.max(fields.quotaResetDelay ?? .zero, delay)
                }
                if fields.model == nil, let model = metadata?["model"]?.stringValue, !model.isEmpty {
                    fields.model = model
                }
                if let delay = detail["retryDelay"]?.stringValue.flatMap(GoDuration.parse) {
                    fields.retryDelay = Swift.max(fields.retryDelay ?? .zero, delay)
                }
            }
        }

        /// `detail` as a code, as prose, or as an object with `code`/`message`; returns its message.
        mutating func readDetail(_ value: JSONValue?) -> String? {
            guard let value else { return nil }
            if let text = value.stringValue { return addCode(text) ? nil : text }
            addCode(value["code"])
            return value["message"]?.stringValue
        }

        mutating func readResets(_ object: JSONValue?) {
            guard let object else { return }
            if fields.resetsAt == nil, let at = object["resets_at"]?.doubleValue, at.isFinite, at > 0,
                at < 1e15
            {
                fields.resetsAt = Int64(at.rounded(.up))
            }
            if fields.resetsIn == nil, let seconds = object["resets_in_seconds"]?.doubleValue,
                seconds.isFinite, seconds >= 0, seconds < 1e12
            {
                fields.resetsIn = .seconds(seconds)
            }
        }
    }
}
