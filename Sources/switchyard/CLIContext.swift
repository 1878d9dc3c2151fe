import ArgumentParser
import Foundation
import SwitchyardConfig
import SwitchyardCore
import SwitchyardSupervisor

#if canImport(Glibc)
import Glibc
#endif

/// `--config PATH`, accepted by every command after its words (SPEC §2).
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $SWITCHYARD_CONFIG, else etc/switchyard.yaml).")
    var config: String?

    var path: String {
        ConfigFile.locate(
            explicit: config, environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// The state directory, read even from a config that no longer parses.
    var stateDirectory: StateDirectory { StateDirectory(path: ConfigFile.sniffStateDir(configPath: path)) }

    /// Sends one request to the running supervisor. Prints its warnings to stderr; a refusal
    /// becomes exit 1 with its message, no supervisor exit 3.
    func request(_ request: ControlRequest) throws -> JSONValue? {
        let client: ControlClient
        do {
            client = try ControlClient(path: stateDirectory.controlSocket)
        } catch ControlClient.ConnectError.notRunning {
            throw CLIError.notRunning
        }
        defer { client.close() }
        let response = try client.send(request)
        for warning in response.warnings ?? [] { printError(warning) }
        guard response.ok else { throw CLIError.failure(response.error ?? "failed") }
        return response.result
    }
}

func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// One JSON document on stdout, keys sorted so output is stable for scripts and diffs.
func printJSON(_ value: JSONValue) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) {
        print(text)
    }
}

/// Lays rows out in aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
        let padded = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }
        print(padded.joined(separator: "  "))
    }
}

extension JSONValue {
    var text: String {
        switch self {
        case .null: return "-"
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .array, .object: return "…"
        }
    }

    var items: [JSONValue] { arrayValue ?? [] }
}
