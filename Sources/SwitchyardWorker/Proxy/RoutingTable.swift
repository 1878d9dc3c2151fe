import Foundation
import SwitchyardCore
import SwitchyardProtocol
import Synchronization

/// The worker's pool as request handlers see it: the accounts the supervisor pushed, with
/// the `AccountSelector` that picks one per request (SPEC §8).
///
/// Shared by every request handler and the control task, behind one lock held only for the
/// selector's O(1)/O(log n) steps — never across I/O. (An actor would cost a hop per request
/// for the same serialization.)
///
/// Local holds: a 429 cools an account here at once, before the supervisor's pool update
/// arrives; a 401 keeps the account out until an update brings a new token; a permanent
/// failure takes it out until the supervisor says otherwise; a Gemini model-scoped 429 cools
/// that model on the account. An update from the supervisor never shortens a hold, so a pool
/// push computed before the outcome cannot put a cooling account (or model) back.
final class RoutingTable: Sendable {
    private struct Hold {
        /// Unix seconds.
        var until: Int64
        /// A 401 or a permanent failure: the account is out (not "cooling": it is not
        /// counted for "all cooling"), and a new access token ends the hold early.
        var untilNewToken: Bool
        var tokenAtHold: String
        /// A 401: the supervisor is refreshing the account; until then requests wait for the
        /// new token rather than answer 503.
        var refreshWaitEnds: ContinuousClock.Instant?
    }

    private struct State {
        var selector: AccountSelector
        var accounts: [String: PoolAccount] = [:]
        var holds: [String: Hold] = [:]
        /// Model-scoped cooldowns set here, per account: model → until (Unix seconds).
        var modelHolds: [String: [String: Int64]] = [:]
        /// Requests waiting for an account's next access token (after its 401).
        var tokenWaiters: [String: [TokenWaiter]] = [:]
    }

    private struct TokenWaiter {
        let token: String
        let continuation: CheckedContinuation<PoolAccount?, Never>
        var key = WaiterKey()
    }

    /// Tells one waiter from another, for the removal at its timeout or cancellation.
    private final class WaiterKey: Sendable, Equatable {
        static func == (a: WaiterKey, b: WaiterKey) -> Bool { a === b }
    }

    /// How long an account refused with 401 stays out at most, should no new token come.
    static let unauthorizedHold: Int64 = 300

    private let state: Mutex<State>

    init(strategy: SelectionStrategy = .roundRobin, sessionAffinitySeconds: Int64 = 0) {
        state = Mutex(State(selector: AccountSelector(strategy: strategy, sessionAffinitySeconds: sessionAffinitySeconds, now: Self.now())))
    }

    static func now() -> Int64 { Int64(time(nil)) }

    var count: Int { state.withLock { $0.accounts.count } }

    func account(_ id: String) -> PoolAccount? { state.withLock { $0.accounts[id] } }

    func configure(strategy: SelectionStrategy, sessionAffinitySeconds: Int64) {
        state.withLock {
            $0.selector.strategy = strategy
            $0.selector.sessionAffinitySeconds = sessionAffinitySeconds
        }
    }

    // MARK: - Pool updates (from the supervisor)

    func reset() {
        state.withLock {
            $0.accounts.removeAll(keepingCapacity: true)
            $0.holds.removeAll()
            $0.modelHolds.removeAll()
            $0.selector.removeAll()
        }
    }

    func upsert(_ batch: [PoolAccount]) {
        let woken: [(CheckedContinuation<PoolAccount?, Never>, PoolAccount)] = state.withLock { state in
            var woken: [(CheckedContinuation<PoolAccount?, Never>, PoolAccount)] = []
            for account in batch {
                state.accounts[account.id] = account
                state.selector.upsert(Self.routing(
                    account, hold: Self.liveHold(&state, for: account), modelHolds: Self.liveModelHolds(&state, for: account.id)))
                if let waiters = state.tokenWaiters[account.id] {
                    let renewed = waiters.filter { $0.token != account.accessToken }
                    let waiting = waiters.filter { $0.token == account.accessToken }
                    woken += renewed.map { ($0.continuation, account) }
                    state.tokenWaiters[account.id] = waiting.isEmpty ? nil : waiting
                }
            }
            return woken
        }
        for (continuation, account) in woken { continuation.resume(returning: account) }
    }

    func remove(_ ids: [String]) {
        let gone: [CheckedContinuation<PoolAccount?, Never>] = state.withLock { state in
            var gone: [CheckedContinuation<PoolAccount?, Never>] = []
            for id in ids {
                state.accounts[id] = nil
                state.holds[id] = nil
                state.modelHolds[id] = nil
                state.selector.remove(id)
                gone += (state.tokenWaiters.removeValue(forKey: id) ?? []).map(\.continuation)
            }
            return gone
        }
        for continuation in gone { continuation.resume(returning: nil) }
    }

    /// The account once the supervisor pushes it with an access token other than `token`
    /// (the refresh a 401 set off), or nil when it leaves the pool, `timeout` passes or the
    /// task is cancelled (its client hung up, `HangUpWatch`) first.
    /// SPEC §6.4: with no other account usable, a 401'd request is retried on the same
    /// account with its new token.
    func nextToken(of id: String, after token: String, timeout: Duration) async -> PoolAccount? {
        let key = WaiterKey()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PoolAccount?, Never>) in
                let immediate: PoolAccount?? = state.withLock { state in
                    guard let account = state.accounts[id] else { return .some(nil) }
                    if account.accessToken != token { return .some(account) }
                    // Under the lock `onCancel` takes: a cancellation either is seen here or
                    // finds the waiter.
                    if Task.isCancelled { return .some(nil) }
                    state.tokenWaiters[id, default: []].append(TokenWaiter(token: token, continuation: continuation, key: key))
                    return nil
                }
                if let immediate { return continuation.resume(returning: immediate) }
                Task {
                    try? await Task.sleep(for: timeout)
                    self.removeTokenWaiter(of: id, key: key)?.resume(returning: nil)
                }
            }
        } onCancel: {
            removeTokenWaiter(of: id, key: key)?.resume(returning: nil)
        }
    }

    /// The waiter's continuation, if nothing resumed it yet.
    private func removeTokenWaiter(of id: String, key: WaiterKey) -> CheckedContinuation<PoolAccount?, Never>? {
        state.withLock { state in
            guard var waiters = state.tokenWaiters[id], let index = waiters.firstIndex(where: { $0.key == key }) else { return nil }
            let waiter = waiters.remove(at: index)
            state.tokenWaiters[id] = waiters.isEmpty ? nil : waiters
            return waiter.continuation
        }
    }

    /// An account held out after a 401 whose refresh is under way, other than those in
    /// `excluding`, and how long to wait for its new token: a request that finds no usable
    /// account waits as the requests that met the 401 do (SPEC §6.4) — arriving a moment
    /// later must not turn the same wait into a 503 — but no longer than they do.
    func awaitingRefresh(excluding: Set<String>) -> (account: PoolAccount, wait: Duration)? {
        state.withLock { state in
            let now = ContinuousClock.now
            for (id, hold) in state.holds where !excluding.contains(id) {
                guard let ends = hold.refreshWaitEnds, ends > now, let account = state.accounts[id],
                      account.accessToken == hold.tokenAtHold else { continue }
                return (account, ends - now)
            }
            return nil
        }
    }

    // MARK: - Requests

    enum Choice {
        case account(PoolAccount)
        case none(ClientError)
    }

    /// The account for one attempt; pair `.account` with `finished`.
    func choose(model: String?, session: String?, excluding: Set<String>) -> Choice {
        state.withLock { state in
            switch state.selector.select(at: Self.now(), model: model, session: session, excluding: excluding) {
            case .account(let id):
                guard let account = state.accounts[id] else { return .none(.noUsableAccount) }
                state.selector.started(id)
                return .account(account)
            case .allCooling(let seconds): return .none(.allCooling(retryAfterSeconds: seconds))
            case .noneUsable: return .none(.noUsableAccount)
            }
        }
    }

    func finished(_ id: String) {
        state.withLock { $0.selector.finished(id) }
    }

    /// A request starts on `id` without a selection (the retry with a renewed token).
    func started(_ id: String) {
        state.withLock { $0.selector.started(id) }
    }

    /// A 429: cools the account (or only `model` on it) until `until`.
    func cool(_ id: String, until: Int64, model: String?) {
        state.withLock { state in
            guard let account = state.accounts[id] else { return }
            if let model {
                state.modelHolds[id, default: [:]][model] = max(state.modelHolds[id]?[model] ?? 0, until)
                state.selector.cool(id, model: model, until: until)
                return
            }
            if let held = state.holds[id], held.untilNewToken { return }
            let previous = state.holds[id]?.until ?? 0
            state.holds[id] = Hold(until: max(previous, until), untilNewToken: false, tokenAtHold: account.accessToken)
            state.selector.cool(id, until: until)
        }
    }

    /// A 401 or a permanent failure: out until a pool update brings a new token (a refresh,
    /// an operator's action), or `unauthorizedHold` has passed and an update comes (the
    /// supervisor removes a disabled account from the pool anyway). `refreshWait`: a 401,
    /// whose refresh the supervisor runs now — how long requests may wait for its token.
    func holdUntilNewToken(_ id: String, refreshWait: Duration?) {
        state.withLock { state in
            guard let account = state.accounts[id] else { return }
            let hold = Hold(until: Self.now() + Self.unauthorizedHold, untilNewToken: true, tokenAtHold: account.accessToken,
                            refreshWaitEnds: refreshWait.map { ContinuousClock.now + $0 })
            state.holds[id] = hold
            state.selector.upsert(Self.routing(account, hold: hold, modelHolds: Self.liveModelHolds(&state, for: id)))
        }
    }

    /// A project found by `loadCodeAssist`, used from now on (the supervisor stores it too).
    func learnProject(_ id: String, project: String) {
        state.withLock { state in state.accounts[id]?.projectID = project }
    }

    // MARK: -

    /// The hold still in force for an update of `account`, dropping those it ends.
    private static func liveHold(_ state: inout State, for account: PoolAccount) -> Hold? {
        guard let hold = state.holds[account.id] else { return nil }
        if hold.until <= now() || (hold.untilNewToken && hold.tokenAtHold != account.accessToken) {
            state.holds[account.id] = nil
            return nil
        }
        return hold
    }

    /// The model cooldowns set here that still run, dropping the ended ones.
    private static func liveModelHolds(_ state: inout State, for id: String) -> [String: Int64]? {
        guard let holds = state.modelHolds[id] else { return nil }
        let current = now()
        let live = holds.filter { $0.value > current }
        state.modelHolds[id] = live.isEmpty ? nil : live
        return live.isEmpty ? nil : live
    }

    private static func routing(_ account: PoolAccount, hold: Hold?, modelHolds: [String: Int64]?) -> RoutingAccount {
        var modelCooldowns = account.modelCooldowns ?? [:]
        if let modelHolds { modelCooldowns.merge(modelHolds) { max($0, $1) } }
        var cooldown = account.cooldownUntil
        var expiresAt = account.expiresAt
        if let hold {
            // Held out by a 401: as good as expired until the new token comes.
            if hold.untilNewToken { expiresAt = min(expiresAt ?? 0, now()) } else { cooldown = max(cooldown ?? 0, hold.until) }
        }
        return RoutingAccount(
            id: account.id, expiresAt: expiresAt, cooldownUntil: cooldown,
            modelCooldowns: modelCooldowns, failing: account.state == "failing",
            quotaUsedPercent: account.quotaUsedPercent ?? 0)
    }
}
