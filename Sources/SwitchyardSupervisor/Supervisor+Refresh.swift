import Foundation
import Logging
import SwitchyardCore
import SwitchyardProtocol
import SwitchyardStore

/// A refresh call the supervisor dispatched and has not seen the result of.
struct InFlightRefresh {
    let accountID: String
    let provider: Provider
    let generation: Int
    let consumedTokenSHA256: String
    /// The worker said the upstream answered: the slot is free, the result is on its way.
    var answered = false
}

/// The refresh scheduler's state, kept in the actor.
struct RefreshState {
    var planner: RefreshPlanner
    var inFlight: [String: InFlightRefresh] = [:]
    var guardRail = DisableGuard()
    var random = SystemRandomNumberGenerator()
    var counter: UInt64 = 0
    /// Distinguishes request ids across supervisor runs (a pending record outlives its run).
    let runID = String(UInt32.random(in: .min ... .max), radix: 16)
    var skippedLogged: Set<String> = []
    /// Due, but their provider has no connected worker yet; rescheduled when one connects.
    var waitingForWorker: Set<String> = []
    /// Results classified and waiting for the next group commit to the store.
    var commitQueue: [QueuedWrite] = []
    var committing = false
    /// Accounts whose call has ended but whose result is not stored yet: no slot is held for
    /// them (the call is over), but they must not be refreshed again before the store holds
    /// the token their result brought.
    var awaitingCommit: Set<String> = []
    /// Pending records start-up recovery had to keep because their account's file could not
    /// be read; applied through the write queue once the file is readable again (its record
    /// is dropped by the next start, as obsolete then).
    var keptRecords: [String: (result: RefreshResult, provider: Provider)] = [:]
}

extension Supervisor {
    // MARK: - Scheduling

    /// (Re)computes when `account` is due; disabled accounts leave the schedule (SPEC §6.7).
    func scheduleRefresh(_ account: Account) {
        guard !account.disabled else {
            refreshing.planner.unschedule(account.id)
            if refreshing.skippedLogged.insert(account.id).inserted {
                logger.info("Skipping \(account.id) (disabled)")
            }
            return
        }
        refreshing.skippedLogged.remove(account.id)
        if let due = RefreshPlanner.dueTime(for: account, lead: config.refreshLead) {
            refreshing.planner.schedule(account.id, dueAt: due)
        } else {
            refreshing.planner.unschedule(account.id)
        }
        wakeRefreshLoop()
    }

    func wakeRefreshLoop() { refreshWake.yield() }

    /// Dispatches what is due whenever woken: by a finished call, a changed account, a
    /// reload, or the timer set for the planner's next wake-up.
    func runRefreshLoop(wakeUps: AsyncStream<Void>) async {
        var timer: Task<Void, Never>?
        wakeRefreshLoop()
        for await _ in wakeUps {
            if Task.isCancelled || shuttingDown { break }
            dispatchDueRefreshes()
            timer?.cancel()
            let wait = refreshing.planner.nextWakeUp(nowUnix: Self.unixNow(), nowMs: Self.monotonicMs()) ?? .seconds(1)
            let bounded = min(max(wait, .milliseconds(1)), .seconds(1))
            timer = Task { [refreshWake] in
                guard (try? await Task.sleep(for: bounded)) != nil else { return }
                refreshWake.yield()
            }
        }
        timer?.cancel()
    }

    private func dispatchDueRefreshes() {
        let now = Self.unixNow()
        for id in refreshing.planner.nextDispatches(nowUnix: now, nowMs: Self.monotonicMs()) {
            if refreshing.awaitingCommit.contains(id) {
                refreshing.planner.finished(id)  // rescheduled once its result is stored
                continue
            }
            guard let account = accounts[id], !account.disabled, let token = account.refreshToken else {
                refreshing.planner.finished(id)
                if let account = accounts[id] { scheduleRefresh(account) }
                continue
            }
            guard let worker = slots[account.provider]?.live.last(where: { $0.isConnected && $0.state != .draining }) else {
                // No worker to make the call yet: it is due again as soon as one is ready.
                refreshing.planner.finished(id)
                refreshing.waitingForWorker.insert(id)
                continue
            }
            refreshing.counter += 1
            let requestID = "rf-\(refreshing.runID)-\(refreshing.counter)"
            refreshing.inFlight[requestID] = InFlightRefresh(
                accountID: id, provider: account.provider, generation: worker.number,
                consumedTokenSHA256: SHA256.hexDigest(Array(token.utf8)))
            send(.refresh(RefreshRequest(
                requestID: requestID, accountID: id, refreshToken: token,
                clientID: account.oauthClientId, clientSecret: account.oauthClientSecret, proxyURL: account.proxyURL)), to: worker)
        }
    }

    /// A worker of `provider` can take calls now: what waited for one is due again.
    func workerAvailable(_ provider: Provider) {
        let waiting = refreshing.waitingForWorker.filter { accounts[$0]?.provider == provider }
        refreshing.waitingForWorker.subtract(waiting)
        for id in waiting { if let account = accounts[id] { scheduleRefresh(account) } }
        wakeRefreshLoop()
    }

    /// `accounts refresh ID`: due now, through the same single-flight planner.
    func refreshNow(_ id: String) -> Result<Account, ControlError> {
        guard let account = accounts[id] else { return .failure(.notFound("no account \(id)")) }
        guard !account.disabled else { return .failure(.conflict("\(id) is disabled; enable it first")) }
        refreshing.planner.requestNow(id)
        wakeRefreshLoop()
        return .success(account)
    }

    // MARK: - Results

    /// A worker's refresh result: classify, persist, push, then acknowledge (SPEC §1 order).
    /// Results that arrive together are stored together (one file-system flush for the batch).
    /// The call's slot was freed by `refresh_answered` (or is freed now); the account stays
    /// single-flight until its result is stored.
    func refreshResultArrived(_ result: RefreshResult, from generation: WorkerGeneration) {
        guard let flight = refreshing.inFlight.removeValue(forKey: result.requestID) else { return }
        CrashPoint.refreshBeforeStore.reached()
        if !flight.answered { callEnded(flight) }
        enqueueWrite(.refresh(result, flight.provider, ackTo: generation))
    }

    /// `refresh_answered`: the upstream call is over, its result not yet durable.
    func refreshAnswered(_ requestID: String) {
        guard let flight = refreshing.inFlight[requestID], !flight.answered else { return }
        refreshing.inFlight[requestID]?.answered = true
        callEnded(flight)
    }

    /// The call is over: its slot is free; the account stays single-flight until its result
    /// is stored (it could otherwise be refreshed with the token that result replaces).
    private func callEnded(_ flight: InFlightRefresh) {
        refreshing.awaitingCommit.insert(flight.accountID)
        refreshing.planner.finished(flight.accountID)
        wakeRefreshLoop()
    }

    /// Every change the supervisor makes to an account goes through this one queue, and is
    /// computed against the account as it is when its batch is written — never against a copy
    /// taken before an await, which could put back a refresh token that was just replaced.
    func enqueueWrite(_ write: PendingWrite) {
        refreshing.commitQueue.append(QueuedWrite(write: write))
        guard !refreshing.committing else { return }
        refreshing.committing = true
        // Off the caller's path: the caller is the worker connection's reader, which must go
        // on reading results (they join the next batch) while this batch is being stored.
        Task { await self.commitWrites() }
    }

    /// A write whose account file another writer changed meanwhile (an operator's editor,
    /// `cp` of new credentials) is not stored over that change: the change is taken into the
    /// registry and the write computed again on it, at most this many times; after that it
    /// is dropped (a refresh result stays in pending/ for the next start, unacknowledged).
    static let maximumWriteConflicts = 3

    private func commitWrites() async {
        while !refreshing.commitQueue.isEmpty {
            let batch = refreshing.commitQueue
            refreshing.commitQueue = []
            var changed: [String: Account] = [:]
            var order: [String] = []
            for queued in batch {
                let write = queued.write
                let id = write.accountID
                guard let base = changed[id] ?? accounts[id] else { continue }
                guard let updated = computeWrite(write, on: base), updated != base else { continue }
                if changed[id] == nil { order.append(id) }
                changed[id] = updated
            }
            let conflicted: Set<String>
            do {
                conflicted = Set(try await store.saveManyIfUnchanged(order.compactMap { changed[$0] }))
            } catch {
                for queued in batch { if case .operatorChange(_, _, _, let done) = queued.write { done.resume(returning: nil) } }
                // Nothing acknowledged: the results stay in pending/ and are applied at the next
                // start. Those accounts are not refreshed again before that: their next call
                // would present a token the upstream has already replaced.
                logger.critical("cannot store account changes; refreshes of these accounts stop until a restart",
                                metadata: ["accounts": "\(order.joined(separator: ","))", "error": "\(error)"])
                continue
            }
            CrashPoint.refreshAfterStore.reached()
            // Each account once, so no removal overtakes a held upsert of the same account.
            holdingPoolUpserts {
                for id in order where !conflicted.contains(id) { if let account = changed[id] { accountChanged(account) } }
            }
            var retry: [QueuedWrite] = []
            for queued in batch {
                let id = queued.write.accountID
                if conflicted.contains(id) {
                    if queued.conflicts + 1 < Self.maximumWriteConflicts {
                        retry.append(QueuedWrite(write: queued.write, conflicts: queued.conflicts + 1))
                        continue
                    }
                    logger.error("account file keeps changing under a write; write dropped", metadata: ["account": "\(id)"])
                    if case .operatorChange(_, _, _, let done) = queued.write { done.resume(returning: nil) }
                    if case .refresh = queued.write { refreshStored(id) }
                    continue
                }
                switch queued.write {
                case .refresh(let result, _, let ackTo):
                    if let ackTo { send(.refreshAck(requestID: result.requestID), to: ackTo) }
                    refreshStored(id)
                case .operatorChange(_, _, _, let done):
                    done.resume(returning: accounts[id])
                case .quota, .outcome:
                    break
                }
            }
            if !retry.isEmpty {
                logger.info("account files changed by another writer; taking the change in before writing",
                            metadata: ["accounts": "\(conflicted.sorted().joined(separator: ","))"])
                await takeInStoreChanges()
                refreshing.commitQueue.insert(contentsOf: retry, at: 0)
            }
        }
        refreshing.committing = false
    }

    private func refreshStored(_ id: String) {
        refreshing.awaitingCommit.remove(id)
        finishRefresh(id)
    }

    /// The account after one write, or nil when the write no longer applies.
    private func computeWrite(_ write: PendingWrite, on account: Account) -> Account? {
        switch write {
        case .refresh(let result, let provider, _):
            guard Self.holds(account, tokenHash: result.consumedTokenSHA256) else {
                logger.info("refresh result no longer applies; dropped", metadata: ["account": "\(account.id)"])
                return nil
            }
            return outcome(of: result, for: account, provider: provider)
        case .quota(let result, let provider, let accessToken):
            if result.httpStatus == 401, account.accessToken != accessToken {
                // Read with a token that was replaced meanwhile: says nothing; read again.
                quotas.planner.schedule(account.id, dueAt: Self.unixNow() + 1)
                return nil
            }
            return quotaOutcome(result, for: account, provider: provider)
        case .outcome(let outcome, let provider):
            return outcomeChange(outcome, on: account, provider: provider)
        case .operatorChange(_, let disable, let reason, _):
            let now = Self.unixNow()
            return disable
                ? AccountLifecycle.applyOperatorDisable(account, reason: reason, now: now)
                : AccountLifecycle.applyOperatorEnable(account, now: now)
        }
    }

    static func holds(_ account: Account, tokenHash: String) -> Bool {
        guard let token = account.refreshToken else { return false }
        return SHA256.hexDigest(Array(token.utf8)) == tokenHash
    }

    private func finishRefresh(_ id: String) {
        refreshing.planner.finished(id)
        if let account = accounts[id] { scheduleRefresh(account) }
    }

    /// The result's account, if it still holds the refresh token the result consumed: only
    /// then may the result replace its tokens (a stale or replayed result never overwrites a
    /// newer token, nor one an operator imported meanwhile).
    private func accountStillHolding(_ result: RefreshResult) -> Account? {
        guard let account = accounts[result.accountID], Self.holds(account, tokenHash: result.consumedTokenSHA256) else {
            logger.info("refresh result no longer applies; dropped", metadata: ["account": "\(result.accountID)"])
            return nil
        }
        return account
    }

    /// What start-up recovery did with one pending record.
    enum Recovery: Equatable {
        case applied
        /// The account is gone or holds another refresh token now: the record says nothing more.
        case obsolete
        /// The account's file exists but cannot be read: the record must stay until it can.
        case accountUnreadable
    }

    /// Applies one refresh result to its account and persists it, on its own: for start-up
    /// recovery, before anything else writes (at run time results go through `enqueueWrite`).
    /// Throws when the store cannot write it: the record must then stay in pending/.
    func apply(_ result: RefreshResult, provider: Provider) async throws -> Recovery {
        if accounts[result.accountID] == nil, problems.contains(where: { $0.file == result.accountID + ".json" }) {
            return .accountUnreadable
        }
        guard let account = accountStillHolding(result) else { return .obsolete }
        let updated = outcome(of: result, for: account, provider: provider)
        do {
            try await store.save(updated)
        } catch {
            logger.critical("cannot store a refresh result", metadata: ["account": "\(account.id)", "error": "\(error)"])
            throw ControlError.failed("cannot store the pending refresh result of \(account.id) (its record stays in pending/): \(error)")
        }
        accountChanged(updated)
        return .applied
    }

    private func outcome(of result: RefreshResult, for account: Account, provider: Provider) -> Account {
        let now = Self.unixNow()
        let body = Array((result.body ?? "").utf8)
        if result.httpStatus == 200, result.error == nil,
           let grant = try? ProviderAdapters.adapter(for: provider).parseTokenResponse(body, now: now) {
            logger.info("refreshed", metadata: ["account": "\(account.id)"])
            return AccountLifecycle.applyRefreshSuccess(account, grant: grant, now: now)
        }
        var headers: [(String, String)] = []
        if let retryAfter = result.retryAfterSeconds { headers.append(("retry-after", String(retryAfter))) }
        let decision = FailureClassifier.classify(
            source: .refresh, provider: provider, status: result.httpStatus, headers: headers, body: body, transportError: result.error, now: now)
        return refreshFailed(account, decision: decision, now: now)
    }

    private func refreshFailed(_ account: Account, decision: Decision, now: Int64) -> Account {
        let backoff = refreshBackoff(for: account)
        var admitted = true
        switch decision {
        case .permanent(_, _, let message):
            admitted = admitDisable(account, code: decision.guardCode, message: message, now: now)
        case .configurationError(let code, let message):
            logger.critical("refresh rejected as a configuration error (wrong OAuth client?)",
                            metadata: ["account": "\(account.id)", "code": "\(code)", "message": "\(message)"])
        default:
            logger.warning("refresh failed", metadata: ["account": "\(account.id)", "decision": "\(decision)"])
        }
        return AccountLifecycle.applyRefreshFailure(account, decision: decision, guardAdmits: admitted, backoff: backoff, now: now)
    }

    /// Whether the disable guard (SPEC §6.8) lets `account` be disabled automatically now;
    /// every automatic disable, whatever its source, goes through here.
    func admitDisable(_ account: Account, code: String?, message: String, now: Int64) -> Bool {
        let enabled = accounts.values.filter { $0.provider == account.provider && !$0.disabled }.count
        let admitted = refreshing.guardRail.admit(
            provider: account.provider, code: code ?? "unknown", enabledCount: enabled, now: now, fraction: config.disableGuard)
        if admitted {
            logger.warning("account disabled", metadata: ["account": "\(account.id)", "reason": "\(message)"])
        } else {
            logger.error("disable held: possible upstream outage", metadata: ["account": "\(account.id)", "code": "\(code ?? "")"])
        }
        return admitted
    }

    /// A permanent decision outside a refresh (the request path, a quota read): the account is
    /// disabled when the guard admits it, else held as failing with a refresh backoff.
    func disableThroughGuard(_ account: Account, kind: DisabledKind, code: String?, message: String, now: Int64) -> Account {
        let guardCode = code ?? kind.rawValue
        if admitDisable(account, code: guardCode, message: message, now: now) {
            return AccountLifecycle.applyPermanentFailure(account, kind: kind, message: message, now: now)
        }
        return AccountLifecycle.applyHeldDisable(account, code: guardCode, message: message, backoff: refreshBackoff(for: account), now: now)
    }

    func refreshBackoff(for account: Account) -> Duration {
        JitteredBackoff(initial: config.refreshBackoff.initial, max: config.refreshBackoff.max)
            .delay(step: account.refreshFailures ?? 0, using: &refreshing.random)
    }

    /// A worker exited: its refresh calls will not report. A result it journaled is applied
    /// from pending/; the others count as failed calls and are retried later.
    func abandonRefreshes(of provider: Provider, generation: Int) {
        let journal = PendingJournal(directory: directory.pendingDirectory)
        let stranded = refreshing.inFlight.filter { $0.value.provider == provider && $0.value.generation == generation }
        let records = (try? journal.records()) ?? []
        for (requestID, flight) in stranded {
            refreshing.inFlight[requestID] = nil
            refreshing.planner.finished(flight.accountID)
            if let data = records.first(where: { $0.id == requestID })?.data,
               let record = try? PendingRecord.decode(data) {
                // Applied through the write queue; the record stays until the next start,
                // which drops it (its consumed token is no longer the stored one).
                refreshing.awaitingCommit.insert(flight.accountID)
                enqueueWrite(.refresh(record.result, provider, ackTo: nil))
            } else {
                refreshing.awaitingCommit.remove(flight.accountID)
                if let account = accounts[flight.accountID] { scheduleRefresh(account) }
            }
        }
    }

    /// An account came (back) from the store: a result start-up recovery kept for it goes
    /// first, and nothing refreshes it before that is stored.
    func applyKeptRecord(for account: Account) {
        guard let kept = refreshing.keptRecords.removeValue(forKey: account.id) else { return }
        logger.info("applying a kept pending refresh result", metadata: ["account": "\(account.id)"])
        refreshing.awaitingCommit.insert(account.id)
        enqueueWrite(.refresh(kept.result, kept.provider, ackTo: nil))
    }

    // MARK: - Start-up recovery (SPEC §1)

    /// Applies every pending record whose consumed token is still the stored one, removes the
    /// records applied or obsolete and the spare files, and only then may refreshes be
    /// scheduled. A record is never removed unapplied while it may hold the only copy of a
    /// rotated token: one whose store write fails stops the start (and stays); one whose
    /// account file cannot be read stays, and is applied once the file is readable
    /// (`applyKeptRecord`).
    func recoverPendingResults() async throws {
        let journal = PendingJournal(directory: directory.pendingDirectory)
        guard let lock = journal.lock(exclusive: true, waitingAtMost: config.workers.drainTimeout) else {
            throw ControlError.failed("pending/ is still locked by a worker after drain-timeout")
        }
        defer { lock.release() }
        let records = try journal.records()
        if !records.isEmpty { CrashPoint.recoveryBeforeApply.reached() }
        for (id, data) in records {
            if let record = try? PendingRecord.decode(data), let provider = Provider(rawValue: record.provider) {
                switch try await apply(record.result, provider: provider) {
                case .applied:
                    logger.info("applied a pending refresh result", metadata: ["account": "\(record.result.accountID)"])
                case .obsolete:
                    break
                case .accountUnreadable:
                    logger.error("pending refresh result kept: its account file cannot be read; it is applied once the file is fixed",
                                 metadata: ["account": "\(record.result.accountID)", "record": "\(id)"])
                    refreshing.keptRecords[record.result.accountID] = (record.result, provider)
                    continue
                }
            } else {
                logger.error("unreadable pending record removed", metadata: ["record": "\(id)"])
            }
            try journal.remove(id: id)
        }
        // Spares of workers gone (an exiting worker removes its own; a killed one cannot).
        journal.removeSpares()
    }

    static func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }

    static func monotonicMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// A write in the queue, with how often another writer's change got in its way.
struct QueuedWrite {
    let write: PendingWrite
    var conflicts = 0
}

/// One change of an account's stored state, applied by the write queue.
enum PendingWrite {
    /// A refresh result; acknowledged to `ackTo` once stored.
    case refresh(RefreshResult, Provider, ackTo: WorkerGeneration?)
    /// A quota reading, with the access token the read used.
    case quota(QuotaResult, Provider, accessToken: String?)
    /// Operator enable (`disable: false`) or disable; `done` learns the stored account
    /// (nil when it could not be stored).
    case operatorChange(accountID: String, disable: Bool, reason: String?, done: CheckedContinuation<Account?, Never>)
    /// What a worker saw on the request path (a 429's cooldown, a disabling answer, a
    /// discovered Gemini project).
    case outcome(Outcome, Provider)

    var accountID: String {
        switch self {
        case .outcome(let outcome, _): return outcome.accountID
        case .refresh(let result, _, _): return result.accountID
        case .quota(let result, _, _): return result.accountID
        case .operatorChange(let id, _, _, _): return id
        }
    }
}
