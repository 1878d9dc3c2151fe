/// How a command ends when it does not succeed; `main` prints the message and exits with the code.
enum CLIError: Error, CustomStringConvertible {
    /// Exit 1 with a one-line message.
    case failure(String)
    /// Exit 3: no supervisor runs for this config.
    case notRunning
    /// Exit 2.
    case usage(String)

    var description: String {
        switch self {
        case .failure(let message), .usage(let message): return message
        case .notRunning: return "switchyard is not running"
        }
    }

    var exitCode: Int32 {
        switch self {
        case .failure: return 1
        case .usage: return 2
        case .notRunning: return 3
        }
    }
}
