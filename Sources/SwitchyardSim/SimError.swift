/// Why an admin request was refused.
enum SimError: Error, CustomStringConvertible, Sendable {
    case badBody(String)
    case missingField(String)
    case unknownAccount(String)
    case providerChange(id: String)

    var description: String {
        switch self {
        case .badBody(let reason): "bad request body: \(reason)"
        case .missingField(let name): "missing field \"\(name)\""
        case .unknownAccount(let id): "no account \"\(id)\""
        case .providerChange(let id): "account \"\(id)\" belongs to another provider (register it anew instead)"
        }
    }

    /// The HTTP status the admin API answers with.
    var status: Int {
        if case .unknownAccount = self { return 404 }
        return 400
    }
}
