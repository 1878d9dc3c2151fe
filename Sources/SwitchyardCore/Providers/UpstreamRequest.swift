/// One HTTP request to a provider, fully built and I/O-free: the worker hands it to libcurl
/// as is. Header order is kept (it is what goes on the wire, and tests compare it exactly).
///
/// Holds tokens (Authorization headers, refresh tokens in bodies): never log one whole.
public struct UpstreamRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    /// Name/value pairs in wire order. Names are compared case-insensitively by the helpers
    /// below (HTTP header names are), exactly by `==`.
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Tuples are not `Equatable`, so the synthesized `==` is unavailable: equal when method,
    /// URL, body and every header pair (same order, same spelling) are equal.
    public static func == (lhs: UpstreamRequest, rhs: UpstreamRequest) -> Bool {
        guard lhs.method == rhs.method, lhs.url == rhs.url, lhs.body == rhs.body,
            lhs.headers.count == rhs.headers.count
        else { return false }
        for (left, right) in zip(lhs.headers, rhs.headers) where left != right {
            return false
        }
        return true
    }

    /// The value of the first header named `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveEquals(name) }?.1
    }

    /// Replaces the value of every header named `name` (case-insensitive) with one header in
    /// the first one's place, or appends it when there is none.
    public mutating func setHeader(_ name: String, _ value: String) {
        guard let first = headers.firstIndex(where: { $0.0.caseInsensitiveEquals(name) }) else {
            headers.append((name, value))
            return
        }
        headers[first] = (name, value)
        var index = headers.count - 1
        while index > first {
            if headers[index].0.caseInsensitiveEquals(name) { headers.remove(at: index) }
            index -= 1
        }
    }

    /// Applies the config's `headers` (SPEC §3: "extra/override headers sent upstream"): a
    /// name the request already has is overridden in place, a new one is appended. New
    /// names are appended in sorted order so the request does not depend on dictionary order.
    public mutating func applyOverrides(_ overrides: [String: String]) {
        for name in overrides.keys.sorted() {
            if let value = overrides[name] { setHeader(name, value) }
        }
    }
}

extension String {
    /// ASCII case-insensitive equality, enough for HTTP header names (RFC 9110 tokens are
    /// ASCII); avoids `lowercased()` allocations.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let left = utf8, right = other.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where asciiLower(a) != asciiLower(b) {
            return false
        }
        return true
    }
}

@inline(__always)
private func asciiLower(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}
