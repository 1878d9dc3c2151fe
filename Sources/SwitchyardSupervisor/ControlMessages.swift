import Foundation
import SwitchyardCore

/// One request on `control.sock` (one JSON line; the answer is one `ControlResponse` line).
/// The CLI is the only intended client; the shape is documented in docs/protocol.md ("The control socket").
public struct ControlRequest: Codable, Sendable, Equatable {
    /// The longest request line `control.sock` takes. Far above the workers' 1 MiB: an import
    /// carries its files, and 10,000 account files are about 45 MiB as one line (the socket is
    /// the operator's own, mode 0600).
    public static let maxLineBytes = 128 << 20

    public enum Command: String, Codable, Sendable {
        case status, reload, stop
        case workersList = "workers.list"
        case workersRestart = "workers.restart"
        case accountsList = "accounts.list"
        case accountsShow = "accounts.show"
        case accountsImport = "accounts.import"
        case accountsEnable = "accounts.enable"
        case accountsDisable = "accounts.disable"
        case accountsRemove = "accounts.remove"
        case accountsRefresh = "accounts.refresh"
    }

    public var command: Command
    public var provider: String?
    public var state: String?
    public var id: String?
    public var reason: String?
    public var files: [ImportFile]?

    public init(command: Command, provider: String? = nil, state: String? = nil, id: String? = nil,
                reason: String? = nil, files: [ImportFile]? = nil) {
        self.command = command
        self.provider = provider
        self.state = state
        self.id = id
        self.reason = reason
        self.files = files
    }
}

/// A credential file as the CLI read it: the supervisor never opens paths on a client's behalf.
public struct ImportFile: Codable, Sendable, Equatable {
    public var name: String
    public var content: Data

    public init(name: String, content: Data) {
        self.name = name
        self.content = content
    }
}

/// The answer to one `ControlRequest`.
public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    /// `conflict`, `not_found`, `invalid_request`: lets the CLI and API pick a status.
    public var code: String?
    /// Lines for stderr that do not make the command fail (`restart required: <key>`).
    public var warnings: [String]?
    public var result: JSONValue?

    public static func success(_ result: JSONValue? = nil, warnings: [String]? = nil) -> ControlResponse {
        ControlResponse(ok: true, error: nil, code: nil, warnings: warnings, result: result)
    }

    public static func failure(_ error: ControlError) -> ControlResponse {
        ControlResponse(ok: false, error: error.description, code: error.code, warnings: nil, result: nil)
    }
}

/// Why a control request failed; `description` is the one line the CLI prints.
public enum ControlError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(String)
    case conflict(String)
    case invalid(String)
    case failed(String)

    public var description: String {
        switch self {
        case .notFound(let text), .conflict(let text), .invalid(let text), .failed(let text): return text
        }
    }

    public var code: String {
        switch self {
        case .notFound: return "not_found"
        case .conflict: return "conflict"
        case .invalid: return "invalid_request"
        case .failed: return "failed"
        }
    }
}

extension JSONValue {
    /// Any Encodable value as a JSONValue, with snake_case keys as on every Switchyard wire.
    public static func encoding<T: Encodable>(_ value: T) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value),
              let decoded = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return .null }
        return decoded
    }
}
