import Foundation
import Logging
import SwitchyardConfig
import SwitchyardCore
import SwitchyardLogging
import SwitchyardProtocol

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    // MARK: - Start

    func addSlot(_ provider: Provider, socket: ListeningSocket) {
        slots[provider] = ProviderSlot(provider: provider, socket: socket)
    }

    /// Spawns every enabled provider's worker and waits until each accepts, or the first
    /// failure (a worker that exits or is not ready within `workers.start-timeout`).
    func startWorkers() async -> Result<Void, ControlError> {
        let all = slots.values.sorted { $0.provider < $1.provider }
        for slot in all { spawn(slot) }
        for slot in all where slot.accepting == nil {
            let result = await waitForAccepting(slot)
            if case .failure = result { return result }
        }
        return .success(())
    }

    // MARK: - Timers: heartbeat, start timeout, kill escalation

    /// Runs every 250 ms: pings every `heartbeat-timeout`/3, and acts on the deadlines.
    func tick() {
        let now = ContinuousClock.now
        let heartbeat = config.workers.heartbeatTimeout
        let pingDue = now - lastPing >= heartbeat / 3
        if pingDue {
            lastPing = now
            pingSequence += 1
        }
        if !shuttingDown { dispatchDueQuotaReads() }
        for slot in slots.values {
            for generation in slot.live {
                if pingDue && generation.isConnected { send(.ping(seq: pingSequence), to: generation) }
                checkDeadlines(generation, slot: slot, now: now, heartbeat: heartbeat)
            }
        }
    }

    private func checkDeadlines(_ generation: WorkerGeneration, slot: ProviderSlot, now: ContinuousClock.Instant, heartbeat: Duration) {
        guard let pid = generation.pid else { return }
        if let sent = generation.terminateSentAt {
            if now - sent >= .seconds(5) { kill(pid, SIGKILL) }
            return
        }
        let metadata: Logger.Metadata = ["provider": "\(slot.provider.rawValue)", "generation": "\(generation.number)", "pid": "\(pid)"]
        if generation.state == .starting || generation.state == .standby && !generation.acceptSent,
           generation.acceptingSince == nil, now - generation.spawnedAt > config.workers.startTimeout,
           !generation.expectedExit {
            logger.error("worker not ready within start-timeout; killing it", metadata: metadata)
            terminate(generation, pid: pid)
            resolveAcceptWaiters(slot, .failure(.failed("the \(slot.provider.rawValue) worker was not ready within workers.start-timeout")))
        } else if generation.isConnected, generation.state != .draining, now - generation.lastHeard > heartbeat {
            // A draining worker is bound by its drain deadline instead (`beginDrain`).
            logger.error("worker silent for heartbeat-timeout; killing it", metadata: metadata)
            terminate(generation, pid: pid)
        } else if let deadline = generation.drainDeadline, now > deadline + .seconds(5) {
            logger.warning("worker still draining after drain-timeout; killing it", metadata: metadata)
            generation.terminateSentAt = now - .seconds(5)
            kill(pid, SIGKILL)
        }
    }

    /// SIGTERM now, SIGKILL 5 s later if it is still there.
    func terminate(_ generation: WorkerGeneration, pid: Int32) {
        generation.terminateSentAt = .now
        kill(pid, SIGTERM)
    }

    // MARK: - Stop

    /// Drains every worker (each finishes what it began, up to drain-timeout) and waits for
    /// them to exit; stragglers are killed 5 s after the deadline.
    func shutdown() async {
        guard !shuttingDown else { return }
        shuttingDown = true
        logger.info("shutting down: draining workers")
        let deadline = ContinuousClock.now + config.workers.drainTimeout
        for slot in slots.values {
            resolveAcceptWaiters(slot, .failure(.failed("the supervisor is shutting down")))
            for generation in slot.live {
                beginDrain(generation, until: deadline)
                if !generation.isConnected, let pid = generation.pid { terminate(generation, pid: pid) }
            }
        }
        if slots.values.contains(where: { !$0.live.isEmpty }) {
            await withCheckedContinuation { exitWaiters.append($0) }
        }
        logger.info("all workers exited")
    }

    // MARK: - Reload (SIGHUP, `switchyard reload`)

    /// Re-reads the config file. Invalid → the running config stays and the reason is returned.
    /// Live keys apply at once; restart-only keys keep their running values and each one the
    /// file changes is reported (`ConfigReload`); a change of a provider's upstream URLs or
    /// headers restarts that provider's worker by hand-over.
    func reload() -> Result<[String], ControlError> {
        let reloaded: ConfigReload
        do {
            reloaded = try ConfigReload(file: ConfigFile.load(path: configPath), running: config)
        } catch {
            logger.error("reload rejected; keeping the running config", metadata: ["reason": "\(error)"])
            return .failure(.invalid("config rejected: \(error)"))
        }
        let (newConfig, changes) = (reloaded.running, reloaded.changes)
        let leadChanged = newConfig.refreshLead != config.refreshLead
        config = newConfig
        refreshing.planner.update(
            concurrency: newConfig.refreshConcurrency, burstDelay: newConfig.refreshBurstDelay, lead: newConfig.refreshLead)
        let intervalChanged = newConfig.quotaInterval != quotas.planner.interval
        quotas.planner.update(interval: newConfig.quotaInterval)
        if leadChanged || intervalChanged { scheduleAllRefreshes() }
        wakeRefreshLoop()
        managementAccess.replace(ManagementAccess(key: newConfig.management.key))
        LogDestination.configure(
            level: Logger.Level(configName: newConfig.log.level.rawValue) ?? .info,
            format: LineLogHandler.Format(rawValue: newConfig.log.format.rawValue) ?? .text)
        pushConfig()
        for key in changes.restartRequired {
            logger.warning("restart required: \(key)")
        }
        for provider in changes.workerRestarts where slots[provider] != nil {
            logger.info("upstream settings changed; restarting worker", metadata: ["provider": "\(provider.rawValue)"])
            Task { _ = await self.restartWorker(provider) }
        }
        logger.info("config reloaded")
        return .success(changes.restartRequired.map { "restart required: \($0)" })
    }

    /// SIGUSR1: reopen the log file (after logrotate moved it) here and in every worker.
    func reopenLog() {
        guard let logFile else { return }
        if let error = LogDestination.redirect(toFile: logFile) {
            logger.error("cannot reopen the log file", metadata: ["error": "\(error)"])
        }
        for slot in slots.values {
            for generation in slot.live { if let pid = generation.pid { kill(pid, SIGUSR1) } }
        }
    }

    func requestShutdown(_ reason: String) {
        if stopReason == nil { stopReason = reason }
        // A start still waiting for its workers gives up now rather than after they are ready.
        for slot in slots.values { resolveAcceptWaiters(slot, .failure(.failed("stopped by \(reason)"))) }
        shutdownRequests.yield(reason)
    }
}
