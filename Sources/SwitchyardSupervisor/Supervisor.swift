import Foundation
import Logging
import SwitchyardConfig
import SwitchyardCore
import SwitchyardProtocol
import SwitchyardStore

#if canImport(Glibc)
import Glibc
#endif

/// The supervisor's state: config, account registry and worker generations (SPEC §1).
///
/// Everything that decides — which worker accepts, when a crashed one restarts, what a worker's
/// pool holds — happens inside this actor, one event at a time; I/O around it (sockets,
/// processes, files) reports events in and carries messages out. Messages to a worker are
/// queued on its outbox without awaiting, so no decision is split by a suspension point.
public actor Supervisor {
    let configPath: String
    var config: SwitchyardConfig
    let directory: StateDirectory
    let store: FileAccountStore
    let executablePath: String
    let logFile: String?
    let logger = Logger(label: "supervisor")
    let startedAt = ContinuousClock.now
    var managementAddress: String?
    /// Read by every management request; `reload` replaces it (`management.key` is L).
    nonisolated let managementAccess: ManagementAccessBox

    var accounts: [String: Account] = [:]
    var problems: [StoreProblem] = []
    var slots: [Provider: ProviderSlot] = [:]
    var unknownMessages = UnknownMessageCounter()
    var shuttingDown = false
    /// Why a stop was asked for (SIGTERM, `switchyard stop`), once it was.
    var stopReason: String?
    var pingSequence: UInt64 = 0
    var lastPing = ContinuousClock.now
    var exitWaiters: [CheckedContinuation<Void, Never>] = []
    /// Pool upserts gathered by `holdingPoolUpserts`, nil when they are sent at once.
    var poolUpsertsHeld: [Provider: [PoolAccount]]?
    /// The scan of accounts-dir under way, if any (see `takeInStoreChanges`).
    var storeScan: Task<Void, Never>?
    var refreshing: RefreshState
    var quotas: QuotaState
    let refreshWake: AsyncStream<Void>.Continuation
    nonisolated let refreshWakeUps: AsyncStream<Void>
    /// Set by `stop` (control socket) so the main task can begin the shutdown.
    let shutdownRequests: AsyncStream<String>.Continuation
    public nonisolated let shutdownStream: AsyncStream<String>

    init(configPath: String, config: SwitchyardConfig, directory: StateDirectory, store: FileAccountStore,
         executablePath: String, logFile: String?) {
        self.configPath = configPath
        self.config = config
        self.directory = directory
        self.store = store
        self.executablePath = executablePath
        self.logFile = logFile
        managementAccess = ManagementAccessBox(ManagementAccess(key: config.management.key))
        (shutdownStream, shutdownRequests) = AsyncStream<String>.makeStream()
        (refreshWakeUps, refreshWake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        refreshing = RefreshState(planner: RefreshPlanner(
            concurrency: config.refreshConcurrency, burstDelay: config.refreshBurstDelay, lead: config.refreshLead))
        quotas = QuotaState(planner: QuotaPlanner(interval: config.quotaInterval))
    }

    /// After start-up recovery: every account gets its place in the refresh schedule.
    func scheduleAllRefreshes() {
        for account in accounts.values.sorted(by: { $0.id < $1.id }) {
            scheduleRefresh(account)
            scheduleQuota(account)
        }
    }

    // MARK: - Registry

    func loadAccounts() async throws {
        let loaded = try await store.loadAll()
        accounts = Dictionary(loaded.accounts.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        setProblems(loaded.problems)
        logger.info("accounts loaded", metadata: ["count": "\(accounts.count)", "problems": "\(problems.count)"])
    }

    func setProblems(_ newProblems: [StoreProblem]) {
        let known = Set(problems.map(\.file))
        for problem in newProblems where !known.contains(problem.file) {
            logger.error("account file rejected and left untouched", metadata: ["file": "\(problem.file)", "error": "\(problem.error)"])
        }
        problems = newProblems
    }

    /// Takes in files added, changed or removed by hand (SPEC §2: within 2 s). Where the store
    /// can tell what changed (inotify on accounts-dir), only those files are looked at, with a
    /// full scan every `fullScanInterval` as a safety net; elsewhere every file is compared
    /// every `scanInterval`.
    func watchAccountsDirectory() async {
        if !Self.scanIntervalOverridden, let hints = await store.changeHints() {
            await follow(hints)
        }
        while !Task.isCancelled && !shuttingDown {
            try? await Task.sleep(for: Self.scanInterval)
            await takeInStoreChanges()
        }
    }

    /// Until the hints end (then polling takes over) or the supervisor stops.
    private func follow(_ hints: AsyncStream<StoreChangeHint>) async {
        let (merged, input) = AsyncStream.makeStream(of: StoreChangeHint.self)
        let forward = Task {
            for await hint in hints { input.yield(hint) }
            input.finish()
        }
        let safetyNet = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.fullScanInterval)
                input.yield(.everything)
            }
        }
        defer {
            forward.cancel()
            safetyNet.cancel()
        }
        for await hint in merged {
            if Task.isCancelled || shuttingDown { return }
            await takeInStoreChanges(hint)
        }
    }

    /// With change hints, how often every file is compared anyway.
    static let fullScanInterval: Duration = .seconds(10)

    static let scanIntervalOverridden = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_SCAN_INTERVAL_MS"] != nil

    /// 1 s. Test-only: `SWITCHYARD_TEST_SCAN_INTERVAL_MS` stretches it (and turns change hints
    /// off), so that a test can make a hand edit that only the write queue's own check can notice.
    static let scanInterval: Duration = {
        guard let text = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_SCAN_INTERVAL_MS"], let ms = Int64(text), ms > 0 else {
            return .seconds(1)
        }
        return .milliseconds(ms)
    }()

    /// Scans the store for others' changes and applies them to the registry; returns once
    /// every change the store has reported is applied. Scans run one after another: a caller
    /// that finds one under way waits for it and then scans again, so it never acts on the
    /// registry while a change the store already handed out is still on its way to it.
    func takeInStoreChanges(_ hint: StoreChangeHint = .everything) async {
        let previous = storeScan
        let scan = Task {
            await previous?.value
            await self.scanStoreAndApply(hint)
        }
        storeScan = scan
        await scan.value
    }

    private func scanStoreAndApply(_ hint: StoreChangeHint) async {
        do {
            let changes = try await (hint == .everything ? store.scanForChanges() : store.scanForChanges(hint))
            if changes.upserted.isEmpty && changes.removedIDs.isEmpty && changes.problems == problems { return }
            for account in changes.upserted {
                accountChanged(account)
                applyKeptRecord(for: account)
            }
            for id in changes.removedIDs { accountRemoved(id) }
            setProblems(changes.problems)
        } catch {
            logger.error("cannot scan the accounts directory", metadata: ["error": "\(error)"])
        }
    }

    /// Records a new or changed account and brings its provider's workers up to date.
    func accountChanged(_ account: Account) {
        let old = accounts[account.id]
        accounts[account.id] = account
        scheduleRefresh(account)
        scheduleQuota(account)
        if let old, old.accessToken != account.accessToken { quotaTokenRenewed(account) }
        if let old, old.provider != account.provider { pushRemove([old.id], provider: old.provider) }
        if account.disabled {
            if old != nil { pushRemove([account.id], provider: account.provider) }
        } else {
            pushUpsert([account])
        }
    }

    func accountRemoved(_ id: String) {
        guard let old = accounts.removeValue(forKey: id) else { return }
        refreshing.planner.unschedule(id)
        quotas.planner.unschedule(id)
        pushRemove([id], provider: old.provider)
    }

    // MARK: - Status

    func statusReport() -> StatusReport {
        let now = Int64(Date().timeIntervalSince1970)
        var counts: [String: StateCounts] = [:]
        for provider in slots.keys { counts[provider.rawValue] = StateCounts() }
        for account in accounts.values where slots[account.provider] != nil {
            counts[account.provider.rawValue, default: StateCounts()].count(account.state(now: now))
        }
        return StatusReport(
            pid: getpid(),
            uptimeSeconds: Int((ContinuousClock.now - startedAt).components.seconds),
            config: configPath,
            management: managementAddress,
            workers: workerRows(),
            providers: counts,
            problems: problems.sorted { $0.file < $1.file })
    }

    func workerRows() -> [WorkerRow] {
        var rows: [WorkerRow] = []
        for provider in slots.keys.sorted() {
            guard let slot = slots[provider] else { continue }
            let live = slot.live
            for generation in live {
                rows.append(WorkerRow(
                    provider: provider.rawValue, pid: generation.pid, state: generation.state,
                    generation: generation.number, restarts: slot.restarts, listen: slot.socket.boundAddress))
            }
            if slot.staying.isEmpty, let crashed = slot.crashed {
                rows.append(WorkerRow(
                    provider: provider.rawValue, pid: crashed.pid, state: .crashed,
                    generation: crashed.generation, restarts: slot.restarts, listen: slot.socket.boundAddress))
            }
        }
        return rows
    }

    func setManagementAddress(_ address: String?) { managementAddress = address }
}
