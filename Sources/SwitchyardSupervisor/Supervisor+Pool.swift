import SwitchyardCore
import SwitchyardProtocol

extension Supervisor {
    /// The accounts a provider's workers may route to: that provider's, not disabled.
    func poolAccounts(for provider: Provider) -> [PoolAccount] {
        accounts.values
            .filter { $0.provider == provider && !$0.disabled }
            .sorted { $0.id < $1.id }
            .map(Self.poolEntry)
    }

    /// What a worker gets of an account: routing material only — never the e-mail, so nothing
    /// a worker could echo to an API client identifies the account's owner.
    static func poolEntry(_ account: Account) -> PoolAccount {
        PoolAccount(
            id: account.id, accessToken: account.accessToken ?? "", expiresAt: account.expiresAt,
            cooldownUntil: account.cooldownUntil, chatgptAccountID: account.chatgptAccountId,
            projectID: account.projectId, proxyURL: account.proxyURL, modelCooldowns: modelCooldowns(account),
            quotaUsedPercent: account.quota?.windows.filter { $0.model == nil }.map(\.usedPercent).max(),
            state: account.refreshStatus == .failing ? "failing" : nil)
    }

    /// Gemini models exhausted on the account (a `quota.windows` entry with its model at
    /// 100%, SPEC §6.3): requests for them skip it until the window resets.
    private static func modelCooldowns(_ account: Account) -> [String: Int64]? {
        var cooling: [String: Int64] = [:]
        for window in account.quota?.windows ?? [] where window.usedPercent >= 100 {
            if let model = window.model, let resetsAt = window.resetsAt { cooling[model] = max(cooling[model] ?? 0, resetsAt) }
        }
        return cooling.isEmpty ? nil : cooling
    }

    /// Right after `hello`: the config, then the whole pool in batches under the line bound.
    func sendInitialState(to generation: WorkerGeneration) {
        send(.config(workerConfig(for: generation.provider)), to: generation)
        let pool = poolAccounts(for: generation.provider)
        send(.poolReset(total: pool.count), to: generation)
        for batch in PoolBatcher.batches(pool) { send(.poolUpsert(batch), to: generation) }
    }

    func pushUpsert(_ changed: [Account]) {
        if poolUpsertsHeld != nil {
            for account in changed { poolUpsertsHeld?[account.provider, default: []].append(Self.poolEntry(account)) }
            return
        }
        var byProvider: [Provider: [PoolAccount]] = [:]
        for account in changed { byProvider[account.provider, default: []].append(Self.poolEntry(account)) }
        sendUpserts(byProvider)
    }

    /// Runs `body` with pool upserts gathered, then sends them per provider in as few lines
    /// as the line bound allows: a batch of stored refresh results is one `pool_upsert`, not
    /// one line per account. Removals are not held: `body` must not remove an account whose
    /// upsert it holds (the removal would overtake it).
    func holdingPoolUpserts(_ body: () -> Void) {
        poolUpsertsHeld = [:]
        body()
        let held = poolUpsertsHeld ?? [:]
        poolUpsertsHeld = nil
        sendUpserts(held)
    }

    private func sendUpserts(_ byProvider: [Provider: [PoolAccount]]) {
        for (provider, entries) in byProvider {
            guard let slot = slots[provider] else { continue }
            let batches = PoolBatcher.batches(entries)
            for generation in slot.live where generation.isConnected {
                for batch in batches { send(.poolUpsert(batch), to: generation) }
            }
        }
    }

    func pushRemove(_ ids: [String], provider: Provider) {
        guard let slot = slots[provider] else { return }
        for generation in slot.live where generation.isConnected {
            send(.poolRemove(ids: ids), to: generation)
        }
    }

    func pushConfig() {
        for slot in slots.values {
            for generation in slot.live where generation.isConnected {
                send(.config(workerConfig(for: slot.provider)), to: generation)
            }
        }
    }

    func workerConfig(for provider: Provider) -> WorkerConfig {
        let settings = config.providers[provider]!
        return WorkerConfig(
            provider: provider.rawValue,
            selection: settings.selection.rawValue,
            sessionAffinityMs: settings.sessionAffinity.milliseconds,
            maxAttempts: settings.maxAttempts,
            tokenURL: settings.tokenURL,
            apiBase: settings.apiBase,
            usageURL: settings.usageURL,
            clientID: settings.clientID,
            clientSecret: settings.clientSecret,
            headers: settings.headers,
            models: settings.models,
            clientKeys: config.clientKeys,
            maxBodyBytes: config.client.maxBody,
            headerTimeoutMs: config.client.headerTimeout.milliseconds,
            clientIdleTimeoutMs: config.client.idleTimeout.milliseconds,
            upstreamConnectTimeoutMs: config.upstream.connectTimeout.milliseconds,
            upstreamIdleTimeoutMs: config.upstream.idleTimeout.milliseconds,
            drainTimeoutMs: config.workers.drainTimeout.milliseconds,
            logLevel: config.log.level.rawValue,
            logFormat: config.log.format.rawValue)
    }
}
