import ArgumentParser
import Foundation
import SwitchyardConfig
import SwitchyardCore
import SwitchyardStore
import SwitchyardSupervisor

/// `switchyard accounts …`: through the running supervisor when there is one (so the change
/// reaches the workers at once), else directly on the store (SPEC §2).
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "List, inspect, import, enable, disable or remove accounts.",
        subcommands: [List.self, Show.self, Import.self, Enable.self, Disable.self, Remove.self, Refresh.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per account.")
        @Option(help: "claude, codex or gemini") var provider: String?
        @Option(help: "active, cooling, expired, failing or disabled") var state: String?
        @Flag(help: "Print one JSON document.") var json = false
        @OptionGroup var options: ConfigOption

        func run() async throws {
            try checkFilters(provider: provider, state: state)
            let request = ControlRequest(command: .accountsList, provider: provider, state: state)
            let result = try await perform(request, options: options)
            if json { return printJSON(result) }
            printTable(
                ["ID", "PROVIDER", "STATE", "EXPIRES", "REASON"],
                (result["accounts"]?.items ?? []).map { account in
                    [account["id"]?.text ?? "?", account["provider"]?.text ?? "?", account["state"]?.text ?? "?",
                     account["expires_at"].map { formatTime($0.text) } ?? "-",
                     account["disabled_reason"]?.text ?? account["refresh_message"]?.text ?? ""]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One account (never its tokens).")
        @Argument var id: String
        @Flag(help: "Print one JSON document.") var json = false
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let account = try await perform(ControlRequest(command: .accountsShow, id: id), options: options)
            if json { return printJSON(account) }
            if case .object(let fields) = account {
                for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                    print("\(key.padding(toLength: 24, withPad: " ", startingAt: 0)) \(value.text)")
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import credential files (SPEC §7).")
        @Argument(help: "Credential files.") var paths: [String]
        @Option(help: "claude, codex or gemini, when the file does not say") var provider: String?
        @Flag(help: "Print one JSON document.") var json = false
        @OptionGroup var options: ConfigOption

        func run() async throws {
            try checkFilters(provider: provider)
            var files: [ImportFile] = []
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CLIError.failure("cannot read \(path)")
                }
                files.append(ImportFile(name: (path as NSString).lastPathComponent, content: data))
            }
            let result = try await perform(ControlRequest(command: .accountsImport, provider: provider, files: files), options: options)
            if json {
                guard case .object(var object) = result else { return }
                object["lines"] = nil
                return printJSON(.object(object))
            }
            for line in result["lines"]?.items ?? [] { print(line.text) }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Clear an account's disabled state.")
        @Argument var id: String
        @OptionGroup var options: ConfigOption

        func run() async throws {
            _ = try await perform(ControlRequest(command: .accountsEnable, id: id), options: options)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an account out of service.")
        @Argument var id: String
        @Option(help: "Why, shown in listings.") var reason: String?
        @OptionGroup var options: ConfigOption

        func run() async throws {
            _ = try await perform(ControlRequest(command: .accountsDisable, id: id, reason: reason), options: options)
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refresh an account's tokens now (through the scheduler: one refresh per account at a time).")
        @Argument var id: String
        @OptionGroup var options: ConfigOption

        func run() async throws {
            // Refreshing needs the supervisor's workers: there is no offline form.
            _ = try options.request(ControlRequest(command: .accountsRefresh, id: id))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account.")
        @Argument var id: String
        @OptionGroup var options: ConfigOption

        func run() async throws {
            _ = try await perform(ControlRequest(command: .accountsRemove, id: id), options: options)
        }
    }
}

/// A bad option value is the caller's mistake (exit 2, SPEC §2), told before anything is sent
/// or read; the same check in the supervisor would make it a failure (exit 1).
private func checkFilters(provider: String?, state: String? = nil) throws(CLIError) {
    do {
        _ = try AccountListing.provider(provider)
        _ = try AccountListing.state(state)
    } catch {
        throw .usage(error.description)
    }
}

/// Through the supervisor, or on the store when none runs.
private func perform(_ request: ControlRequest, options: ConfigOption) async throws -> JSONValue {
    do {
        return try options.request(request) ?? .null
    } catch CLIError.notRunning {
        return try await performOffline(request, options: options)
    }
}

private func performOffline(_ request: ControlRequest, options: ConfigOption) async throws -> JSONValue {
    let config: SwitchyardConfig
    do {
        config = try ConfigFile.load(path: options.path)
    } catch {
        throw CLIError.failure("\(options.path): \(error)")
    }
    do {
        try StoreBackend.checkAvailable(config)
    } catch {
        throw CLIError.failure("\(options.path): \(error)")
    }
    let store = FileAccountStore(directory: config.accountsDir)
    let existing: [Account]
    if FileManager.default.fileExists(atPath: config.accountsDir) {
        existing = try await store.loadAll().accounts
    } else {
        existing = []  // nothing imported yet
    }
    let byID = Dictionary(existing.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    let operations = AccountOperations(store: store)
    let now = Int64(Date().timeIntervalSince1970)
    do {
        switch request.command {
        case .accountsList:
            let listed = try AccountListing.filter(existing, provider: request.provider, state: request.state, now: now)
            return .object(["accounts": .array(listed.map { $0.publicView(now: now) })])
        case .accountsShow:
            guard let account = byID[request.id ?? ""] else { throw ControlError.notFound("no account \(request.id ?? "")") }
            return account.publicView(now: now)
        case .accountsImport:
            try FileAccountStore.ensureDirectory(config.accountsDir)
            let provider = try AccountListing.provider(request.provider)
            return try await operations.importFiles(request.files ?? [], provider: provider, existing: existing, now: now).json(now: now)
        case .accountsEnable, .accountsDisable:
            let id = request.id ?? ""
            return try await operations.setDisabled(
                request.command == .accountsDisable, id: id, reason: request.reason, existing: byID[id], now: now
            ).publicView(now: now)
        case .accountsRemove:
            try await operations.remove(id: request.id ?? "", existing: byID[request.id ?? ""])
            return .null
        default:
            throw CLIError.notRunning
        }
    } catch let error as ControlError {
        throw CLIError.failure(error.description)
    }
}

private func formatTime(_ unix: String) -> String {
    guard let seconds = TimeInterval(unix) else { return unix }
    let formatter = ISO8601DateFormatter()
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
}
