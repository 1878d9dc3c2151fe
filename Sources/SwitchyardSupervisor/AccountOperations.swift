import Foundation
import SwitchyardCore
import SwitchyardStore

/// The operator's account commands (`accounts import|enable|disable|remove`), written once
/// for both callers: the supervisor (which then pushes the change to its workers) and the
/// CLI when no supervisor runs (SPEC §2). Each changes the store and returns what it wrote.
public struct AccountOperations: Sendable {
    public let store: any AccountStore

    public init(store: any AccountStore) { self.store = store }

    /// The result of importing several files: every file is either wholly applied or refused.
    public struct ImportReport: Sendable {
        public var imported: [Account] = []
        public var updated: [Account] = []
        public var unchanged: [Account] = []
        public var lines: [String] = []
    }

    /// Parses every file first, so a bad file refuses the whole import and nothing is half written.
    public func importFiles(_ files: [ImportFile], provider: Provider?, existing: [Account], now: Int64) async throws(ControlError) -> ImportReport {
        var parsed: [Account] = []
        for file in files {
            parsed.append(try CredentialFile.parse(file, provider: provider))
        }
        var known = existing
        var report = ImportReport()
        for incoming in parsed {
            let outcome = AccountImport.merge(incoming: incoming, existing: known)
            switch outcome {
            case .imported(let account):
                try await save(account)
                known.append(account)
                report.imported.append(account)
                report.lines.append("\(account.id) imported")
            case .updated(let account):
                try await save(account)
                known.removeAll { $0.id == account.id }
                known.append(account)
                report.updated.append(account)
                report.lines.append("\(account.id) updated")
            case .unchanged(let account):
                report.unchanged.append(account)
                report.lines.append("\(account.id) unchanged")
            }
        }
        return report
    }

    /// Operator enable (SPEC §6.9: clears the disabled fields and makes a refresh due now) or
    /// disable (`disabled_kind: operator`), on the store directly: for the CLI when no
    /// supervisor runs. A running supervisor applies the same transitions through its write queue.
    public func setDisabled(_ disabled: Bool, id: String, reason: String?, existing: Account?, now: Int64) async throws(ControlError) -> Account {
        guard let existing else { throw .notFound("no account \(id)") }
        let account = disabled
            ? AccountLifecycle.applyOperatorDisable(existing, reason: reason, now: now)
            : AccountLifecycle.applyOperatorEnable(existing, now: now)
        try await save(account)
        return account
    }

    public func remove(id: String, existing: Account?) async throws(ControlError) {
        guard existing != nil else { throw .notFound("no account \(id)") }
        do {
            try await store.remove(id: id)
        } catch {
            throw .failed("cannot remove \(id): \(error)")
        }
    }

    private func save(_ account: Account) async throws(ControlError) {
        do {
            try await store.save(account)
        } catch {
            throw .failed("cannot write \(account.id): \(error)")
        }
    }
}

/// Recognises a credential file (SPEC §7). Switchyard's own account files are read now; the
/// other formats come with the import issue, and until then are refused by name.
public enum CredentialFile {
    public static let knownFormats =
        "Codex CLI auth.json, Claude Code .credentials.json, Gemini CLI oauth_creds.json, CLIProxyAPI, Antigravity Manager, Switchyard"

    public static func parse(_ file: ImportFile, provider: Provider?) throws(ControlError) -> Account {
        do {
            let account = try AccountFileCodec.decode(file.content, fileName: file.name)
            if let provider, provider != account.provider {
                throw ControlError.invalid("\(file.name): the file is a \(account.provider.rawValue) account, not \(provider.rawValue)")
            }
            return account
        } catch let error as ControlError {
            throw error
        } catch {
            throw .invalid("\(file.name): not a recognised credential file (\(error)); expected one of: \(knownFormats)")
        }
    }
}
