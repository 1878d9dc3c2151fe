/// The status line and header block of the final response (informational `1xx` responses and a
/// proxy's `CONNECT` reply are skipped).
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// In arrival order, duplicates kept, names as the server spelled them.
    public var headers: [(name: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    /// The first value of the header `name`, compared case-insensitively (HTTP names are
    /// ASCII-case-insensitive; HTTP/2 sends them lowercased).
    public func header(_ name: String) -> String? {
        HTTPHeaderName.firstValue(of: name, in: headers)
    }

    /// Every value of the header `name` (e.g. several `set-cookie`), case-insensitively.
    public func headers(named name: String) -> [String] {
        HTTPHeaderName.allValues(of: name, in: headers)
    }
}

/// A complete, buffered response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// In arrival order, duplicates kept, names as the server spelled them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.init(status: head.status, headers: head.headers, body: body)
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        HTTPHeaderName.firstValue(of: name, in: headers)
    }

    /// Every value of the header `name`, case-insensitively.
    public func headers(named name: String) -> [String] {
        HTTPHeaderName.allValues(of: name, in: headers)
    }
}
