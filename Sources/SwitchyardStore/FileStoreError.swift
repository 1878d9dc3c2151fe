import Glibc

/// Errors of `FileAccountStore`; the descriptions are one line and name the path or file.
public enum FileStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The accounts-dir path exists and is not a directory.
    case notADirectory(path: String)
    /// The accounts-dir can be read or written by group or others (SPEC §1 refuses it):
    /// the files hold live credentials.
    case directoryAccessibleByOthers(path: String, mode: UInt32)
    /// A system call failed (`operation` is its name, e.g. `open`, `rename`).
    case systemCall(operation: String, path: String, errno: Int32)
    /// The id cannot name an account file (`AccountID.isValid`).
    case invalidAccountID(String)
    /// The record is unusable; the store leaves it as it is (SPEC §5).
    case malformedFile(StoreProblem)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            return "\(path) is not a directory"
        case .directoryAccessibleByOthers(let path, let mode):
            return "refusing accounts-dir \(path): readable or writable by group or others (mode "
                + String(mode & 0o7777, radix: 8) + "); run chmod 700 on it"
        case .systemCall(let operation, let path, let code):
            return "\(operation) \(path): \(String(cString: strerror(code)))"
        case .invalidAccountID(let id):
            return "invalid account id \"\(id.prefix(64))\""
        case .malformedFile(let problem):
            return "\(problem.file): \(problem.error) (left untouched: fix or delete it by hand)"
        }
    }
}
