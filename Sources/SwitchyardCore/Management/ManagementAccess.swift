/// Who may use the management API (SPEC §9): with `management.key` set, every path but
/// `/healthz` and the page `/` needs `Authorization: Bearer <key>` (the scheme in any case).
///
/// The open paths are listed, not the protected ones, so that a path the router resolves in
/// some unforeseen spelling, or a route added later, needs the key by default; it also makes
/// an unknown path under `/v0` answer 401, not 404, to a caller without the key.
public struct ManagementAccess: Sendable {
    private let key: [UInt8]?

    /// `nil` or empty: the API is open (the config allows that only on a loopback address).
    public init(key: String?) {
        self.key = key.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    public var required: Bool { key != nil }

    public static func isOpen(path: String) -> Bool {
        path == "/healthz" || path == "/"
    }

    /// Whether a request for `path` carrying this `Authorization` value may go on. The key is
    /// compared in time that depends on the lengths only.
    public func allows(path: String, authorization: String?) -> Bool {
        guard let key, !Self.isOpen(path: path) else { return true }
        guard let presented = authorization.flatMap(ClientKeys.bearer) else { return false }
        return ClientKeys.equal(Array(presented.utf8), key)
    }
}
