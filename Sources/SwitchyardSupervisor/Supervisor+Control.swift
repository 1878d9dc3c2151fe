import Foundation
import SwitchyardCore
import SwitchyardProtocol
import SwitchyardStore

extension Supervisor {
    /// Answers one control request (from `control.sock`; the management API will share it).
    func handle(_ request: ControlRequest) async -> ControlResponse {
        switch request.command {
        case .status:
            return .success(.encoding(statusReport()))
        case .workersList:
            return .success(.object(["workers": .encoding(workerRows())]))
        case .workersRestart:
            guard let provider = request.provider.flatMap(Provider.init(rawValue:)) else {
                return .failure(.invalid("unknown provider \(request.provider ?? "")"))
            }
            switch await restartWorker(provider) {
            case .success: return .success()
            case .failure(let error): return .failure(error)
            }
        case .reload:
            switch reload() {
            case .success(let warnings): return .success(nil, warnings: warnings)
            case .failure(let error): return .failure(error)
            }
        case .stop:
            requestShutdown("switchyard stop")
            // The CLI waits drain-timeout + 10 s for the exit; the running value, since the
            // file may have been changed, or broken, since the last reload.
            return .success(.object(["drain_timeout_ms": .int(config.workers.drainTimeout.milliseconds)]))
        default:
            return await handleAccounts(request)
        }
    }

    private func handleAccounts(_ request: ControlRequest) async -> ControlResponse {
        let now = Int64(Date().timeIntervalSince1970)
        let operations = AccountOperations(store: store)
        do {
            switch request.command {
            case .accountsList:
                let listed = try AccountListing.filter(Array(accounts.values), provider: request.provider, state: request.state, now: now)
                return .success(.object(["accounts": .array(listed.map { $0.publicView(now: now) })]))
            case .accountsShow:
                guard let id = request.id, let account = accounts[id] else { throw ControlError.notFound("no account \(request.id ?? "")") }
                return .success(account.publicView(now: now))
            case .accountsImport:
                let provider = try AccountListing.provider(request.provider)
                let report = try await operations.importFiles(request.files ?? [], provider: provider, existing: Array(accounts.values), now: now)
                for account in report.imported + report.updated { accountChanged(account) }
                return .success(report.json(now: now))
            case .accountsEnable, .accountsDisable:
                // Through the write queue, like refresh results: a change computed before the
                // store's await could otherwise put back a refresh token replaced meanwhile.
                let id = request.id ?? ""
                guard accounts[id] != nil else { throw ControlError.notFound("no account \(id)") }
                let disable = request.command == .accountsDisable
                let stored = await withCheckedContinuation { done in
                    enqueueWrite(.operatorChange(accountID: id, disable: disable, reason: request.reason, done: done))
                }
                guard let account = stored else { throw ControlError.failed("cannot store \(id); see the log") }
                return .success(account.publicView(now: now))
            case .accountsRefresh:
                let account = try refreshNow(request.id ?? "").get()
                return .success(account.publicView(now: now))
            case .accountsRemove:
                let id = request.id ?? ""
                try await operations.remove(id: id, existing: accounts[id])
                accountRemoved(id)
                return .success()
            default:
                return .failure(.invalid("unsupported command"))
            }
        } catch let error as ControlError {
            return .failure(error)
        } catch {
            return .failure(.failed("\(error)"))
        }
    }
}

/// Filters for `accounts list` shared by every caller.
public enum AccountListing {
    public static func provider(_ name: String?) throws(ControlError) -> Provider? {
        guard let name else { return nil }
        guard let provider = Provider(rawValue: name) else {
            throw .invalid("unknown provider \(name) (expected claude, codex or gemini)")
        }
        return provider
    }

    public static func state(_ name: String?) throws(ControlError) -> AccountState? {
        guard let name else { return nil }
        guard let state = AccountState(rawValue: name) else {
            throw .invalid("unknown state \(name) (expected active, cooling, expired, failing or disabled)")
        }
        return state
    }

    public static func filter(_ accounts: [Account], provider: String?, state: String?, now: Int64) throws(ControlError) -> [Account] {
        let wantedProvider = try self.provider(provider)
        let wantedState = try self.state(state)
        return accounts
            .filter { wantedProvider == nil || $0.provider == wantedProvider }
            .filter { wantedState == nil || $0.state(now: now) == wantedState }
            .sorted { ($0.provider, $0.id) < ($1.provider, $1.id) }
    }
}

extension AccountOperations.ImportReport {
    /// `{"imported": [A…], "updated": [A…], "unchanged": [A…]}` plus the human lines.
    public func json(now: Int64) -> JSONValue {
        .object([
            "imported": .array(imported.map { $0.publicView(now: now) }),
            "updated": .array(updated.map { $0.publicView(now: now) }),
            "unchanged": .array(unchanged.map { $0.publicView(now: now) }),
            "lines": .array(lines.map(JSONValue.string)),
        ])
    }
}
