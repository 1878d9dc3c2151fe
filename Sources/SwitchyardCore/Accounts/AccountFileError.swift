/// Why an account file (or an account document) cannot be used. Stores report it as a
/// problem (`file` + `reason.description`) and leave the file untouched (SPEC §5).
/// No description ever contains a token.
public struct AccountFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's name (not its path) as given to the codec; empty when the account did not
    /// come from a file.
    public var fileName: String
    public var reason: Reason

    public init(fileName: String, reason: Reason) {
        self.fileName = fileName
        self.reason = reason
    }

    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case notJSON
        case notAnObject
        /// `schema` is present and is not 1 (carries the value as found).
        case unsupportedSchema(String)
        case missingField(String)
        /// A known field holds the wrong type or value; `expected` says what fits.
        case invalidField(String, expected: String)
        case unknownProvider(String)
        /// The id cannot name a file (see `AccountID.isValid`).
        case invalidID(String)
        /// Neither `access_token` nor `refresh_token` (or both empty).
        case lacksTokens
        /// The file `<x>.json` holds an account whose id is not `<x>` (checked by stores).
        case idDoesNotMatchFileName(id: String)

        public var description: String {
            switch self {
            case .notJSON: return "not valid JSON"
            case .notAnObject: return "not a JSON object"
            case .unsupportedSchema(let found): return "unsupported schema \(found) (expected 1)"
            case .missingField(let field): return "missing \(field)"
            case .invalidField(let field, let expected): return "\(field) must be \(expected)"
            case .unknownProvider(let name):
                let known = Provider.allCases.map(\.rawValue).joined(separator: ", ")
                return "unknown provider \"\(Self.clipped(name))\" (expected one of \(known))"
            case .invalidID(let id):
                return "id \"\(Self.clipped(id))\" is not a valid account id"
                    + " (1–128 letters, digits, '.', '_' or '-', not starting with '.')"
            case .lacksTokens: return "lacks tokens (no access_token and no refresh_token)"
            case .idDoesNotMatchFileName(let id):
                return "id \"\(Self.clipped(id))\" does not match the file name"
            }
        }

        /// Keeps one-line problem messages short whatever a file contains.
        private static func clipped(_ text: String) -> String {
            let flat = text.map { $0.isNewline ? " " : $0 }
            return flat.count > 64 ? String(flat.prefix(64)) + "…" : String(flat)
        }
    }

    public var description: String {
        fileName.isEmpty ? reason.description : "\(fileName): \(reason)"
    }
}
