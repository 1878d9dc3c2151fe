import Foundation

/// Typed reading of one JSON object of a provider's answer, where every type error names the
/// dotted path of the field (never its value: values may be tokens).
///
/// Absent and `null` members read as nil alike: providers (and proto3 JSON, Gemini) leave
/// out members they have no value for.
struct JSONObjectReader {
    let members: [String: JSONValue]
    /// Dotted path of this object from the top of the body; empty at the top.
    let path: String

    init(members: [String: JSONValue], path: String = "") {
        self.members = members
        self.path = path
    }

    /// Parses a whole response body, which must be a JSON object.
    init(body: [UInt8]) throws(ProviderParseError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(body))
        } catch {
            throw .notJSON
        }
        guard case .object(let members) = value else { throw .notAnObject }
        self.init(members: members)
    }

    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The member, nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        switch members[key] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    func string(_ key: String) throws(ProviderParseError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.stringValue else { throw .invalidField(fieldPath(key)) }
        return string
    }

    func number(_ key: String) throws(ProviderParseError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue, number.isFinite else { throw .invalidField(fieldPath(key)) }
        return number
    }

    /// An integer; an integral double is accepted (JSON does not tell them apart).
    func int64(_ key: String) throws(ProviderParseError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard let number = value.int64Value else { throw .invalidField(fieldPath(key)) }
        return number
    }

    /// An ISO 8601 timestamp string, as Unix seconds (see `ISO8601Timestamp`).
    func timestamp(_ key: String) throws(ProviderParseError) -> Int64? {
        guard let text = try string(key) else { return nil }
        guard let seconds = ISO8601Timestamp.unixSeconds(text) else { throw .invalidField(fieldPath(key)) }
        return seconds
    }

    func object(_ key: String) throws(ProviderParseError) -> JSONObjectReader? {
        guard let value = value(key) else { return nil }
        guard let members = value.objectValue else { throw .invalidField(fieldPath(key)) }
        return JSONObjectReader(members: members, path: fieldPath(key))
    }

    /// Each element of an array member that must hold objects.
    func objects(_ key: String) throws(ProviderParseError) -> [JSONObjectReader] {
        guard let value = value(key) else { return [] }
        guard let items = value.arrayValue else { throw .invalidField(fieldPath(key)) }
        var readers: [JSONObjectReader] = []
        readers.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let itemPath = fieldPath(key) + "[\(index)]"
            guard let members = item.objectValue else { throw .invalidField(itemPath) }
            readers.append(JSONObjectReader(members: members, path: itemPath))
        }
        return readers
    }
}

extension JSONValue {
    /// Compact JSON text with sorted keys, as request-body bytes. Sorted keys keep request
    /// bodies byte-stable (tests, logs of body sizes); no upstream depends on member order.
    var requestBody: [UInt8] {
        serializedBytes(pretty: false, sortedKeys: true)
    }
}
