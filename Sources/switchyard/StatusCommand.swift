import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardSupervisor

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The supervisor, its workers and its accounts.")

    @Flag(help: "Print one JSON document.") var json = false
    @OptionGroup var options: ConfigOption

    func run() throws {
        guard let report = try options.request(.init(command: .status)) else { return }
        if json { return printJSON(report) }
        print("switchyard running (pid \(report["pid"]?.text ?? "-"), up \(report["uptime_seconds"]?.text ?? "0")s)")
        print("config      \(report["config"]?.text ?? "-")")
        print("management  \(report["management"]?.text ?? "-")")
        print("")
        printWorkers(report["workers"]?.items ?? [])
        print("")
        var rows: [[String]] = []
        if case .object(let providers)? = report["providers"] {
            for (name, counts) in providers.sorted(by: { $0.key < $1.key }) {
                rows.append([name] + AccountState.allCases.map { counts[$0.rawValue]?.text ?? "0" })
            }
        }
        printTable(["PROVIDER"] + AccountState.allCases.map { $0.rawValue.uppercased() }, rows)
        let problems = report["problems"]?.items ?? []
        if !problems.isEmpty {
            print("")
            print("problems:")
            for problem in problems { print("  \(problem["file"]?.text ?? "?"): \(problem["error"]?.text ?? "?")") }
        }
    }
}

func printWorkers(_ workers: [JSONValue]) {
    printTable(
        ["PROVIDER", "STATE", "PID", "GENERATION", "RESTARTS", "LISTEN"],
        workers.map { row in
            ["provider", "state", "pid", "generation", "restarts", "listen"].map { row[$0]?.text ?? "-" }
        })
}

struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "List or restart the per-provider workers.", subcommands: [List.self, Restart.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The worker rows of status.")
        @Flag(help: "Print one JSON document.") var json = false
        @OptionGroup var options: ConfigOption

        func run() throws {
            guard let result = try options.request(.init(command: .workersList)) else { return }
            if json { return printJSON(result) }
            printWorkers(result["workers"]?.items ?? [])
        }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand one provider's socket over to a fresh worker; returns once it accepts.")
        @Argument(help: "claude, codex or gemini") var provider: String
        @OptionGroup var options: ConfigOption

        func run() throws {
            guard Provider(rawValue: provider) != nil else { throw CLIError.usage("unknown provider \(provider) (expected claude, codex or gemini)") }
            _ = try options.request(.init(command: .workersRestart, provider: provider))
        }
    }
}
