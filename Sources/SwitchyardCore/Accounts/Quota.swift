/// The last quota reading of an account (`quota` in the account file, SPEC §5 and §6.3).
/// The JSON form (snake_case keys) is the one of the account file; `Codable` uses the same.
public struct Quota: Sendable, Hashable, Codable {
    /// When the quota was last read (Unix seconds).
    public var checkedAt: Int64?
    public var windows: [QuotaWindow]
    /// Free-form reading status written by the quota scheduler, e.g. `ok`, or `unavailable`
    /// when the provider refuses the read for policy reasons (§6.3). Not an enum: the set
    /// belongs to the scheduler, and a value it adds later must survive older readers.
    public var status: String?
    public var message: String?
    /// When the scheduler means to read it next (Unix seconds).
    public var nextCheckAt: Int64?
    /// Members of the quota object Switchyard does not know, kept as they are on every
    /// rewrite (SPEC §5). The windows themselves are replaced by each reading.
    public var otherMembers: [String: JSONValue] = [:]

    public init(
        checkedAt: Int64? = nil, windows: [QuotaWindow] = [], status: String? = nil,
        message: String? = nil, nextCheckAt: Int64? = nil
    ) {
        self.checkedAt = checkedAt
        self.windows = windows
        self.status = status
        self.message = message
        self.nextCheckAt = nextCheckAt
    }

    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard let quota = Quota(jsonValue: value) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "not a quota object"))
        }
        self = quota
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

/// One rate-limit window of a quota reading: e.g. Claude's `five_hour`, Codex's primary
/// window, or a Gemini per-model bucket (`model` set; §6.3 cools only that model at 100%).
public struct QuotaWindow: Sendable, Hashable, Codable {
    public var name: String
    public var model: String?
    /// 0…100 (a provider may report more than 100 when over the limit).
    public var usedPercent: Double
    /// When the window resets (Unix seconds).
    public var resetsAt: Int64?

    public init(name: String, model: String? = nil, usedPercent: Double, resetsAt: Int64? = nil) {
        self.name = name
        self.model = model
        self.usedPercent = usedPercent
        self.resetsAt = resetsAt
    }

    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard let window = QuotaWindow(jsonValue: value) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "not a quota window object"))
        }
        self = window
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

// MARK: - JSON form (one definition, used by Codable and by the account file codec)

extension Quota {
    static let knownMembers: Set<String> = ["windows", "checked_at", "status", "message", "next_check_at"]

    /// Reads the account-file form; nil when a member has the wrong type or a window is
    /// malformed. Missing `windows` means none; members it does not know are kept in
    /// `otherMembers`. A window is a reading and is replaced whole by the next one.
    init?(jsonValue: JSONValue) {
        guard case .object(let members) = jsonValue else { return nil }
        var windows: [QuotaWindow] = []
        if let list = members["windows"], list != .null {
            guard let items = list.arrayValue else { return nil }
            windows.reserveCapacity(items.count)
            for item in items {
                guard let window = QuotaWindow(jsonValue: item) else { return nil }
                windows.append(window)
            }
        }
        guard let checkedAt = members.optionalInt64("checked_at"),
            let status = members.optionalString("status"),
            let message = members.optionalString("message"),
            let nextCheckAt = members.optionalInt64("next_check_at")
        else { return nil }
        self.init(
            checkedAt: checkedAt, windows: windows, status: status, message: message,
            nextCheckAt: nextCheckAt)
        otherMembers = members.filter { !Self.knownMembers.contains($0.key) }
    }

    var jsonValue: JSONValue {
        var members = otherMembers
        members["windows"] = .array(windows.map(\.jsonValue))
        if let checkedAt { members["checked_at"] = .int(checkedAt) }
        if let status { members["status"] = .string(status) }
        if let message { members["message"] = .string(message) }
        if let nextCheckAt { members["next_check_at"] = .int(nextCheckAt) }
        return .object(members)
    }
}

extension QuotaWindow {
    init?(jsonValue: JSONValue) {
        guard case .object(let members) = jsonValue,
            let name = members["name"]?.stringValue,
            let usedPercent = members["used_percent"]?.doubleValue,
            let model = members.optionalString("model"),
            let resetsAt = members.optionalInt64("resets_at")
        else { return nil }
        self.init(name: name, model: model, usedPercent: usedPercent, resetsAt: resetsAt)
    }

    var jsonValue: JSONValue {
        // A non-finite percentage has no JSON form; writing null would make the whole
        // account file unreadable, so it is written as 0 (the next reading corrects it).
        let percent = usedPercent.isFinite ? usedPercent : 0
        var members: [String: JSONValue] = ["name": .string(name), "used_percent": .double(percent)]
        if let model { members["model"] = .string(model) }
        if let resetsAt { members["resets_at"] = .int(resetsAt) }
        return .object(members)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// `.some(nil)` when the member is absent or null, `.some(value)` for a string, and nil
    /// (a type error) for anything else: lets a `guard let` tell "absent" from "wrong".
    func optionalString(_ key: String) -> String?? {
        switch self[key] {
        case nil, .null?: return .some(nil)
        case .string(let value)?: return .some(value)
        default: return nil
        }
    }

    /// As `optionalString`, for an integer (an integral double is accepted).
    func optionalInt64(_ key: String) -> Int64?? {
        guard let member = self[key], member != .null else { return .some(nil) }
        guard let value = member.int64Value else { return nil }
        return .some(value)
    }
}
