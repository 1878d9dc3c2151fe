import Foundation
import Hummingbird

extension Request {
    /// The whole body; requests here are small, 8 MiB is far above any test payload.
    func bodyData() async throws -> Data {
        var request = self
        let buffer = try await request.collectBody(upTo: 8 << 20)
        return Data(buffer.readableBytesView)
    }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    /// The token of an `Authorization: Bearer …` header (scheme matched case-insensitively).
    var bearerToken: String? {
        guard let value = headers[.authorization] else { return nil }
        let prefix = "bearer "
        guard value.count > prefix.count, value.lowercased().hasPrefix(prefix) else { return nil }
        return String(value.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// What the account's admin view shows as its last API request.
    func record(body: Data) -> RecordedRequest {
        var recorded: [String: String] = [:]
        for field in headers {
            let name = field.name.canonicalName
            recorded[name] = name == "authorization" ? "Bearer <redacted>" : field.value
        }
        let pathAndQuery = uri.query.map { "\(uri.path)?\($0)" } ?? uri.path
        return RecordedRequest(path: pathAndQuery, headers: recorded,
                               body: String(decoding: body.prefix(65536), as: UTF8.self))
    }
}

/// Parses `application/x-www-form-urlencoded` (Google's token endpoint).
func formFields(_ data: Data) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: data, as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return fields
}
