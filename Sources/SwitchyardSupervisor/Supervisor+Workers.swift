import Foundation
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProtocol

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    // MARK: - Spawning and exits

    /// Starts a new generation of `provider`'s worker. It will connect, receive its pool,
    /// report ready in standby, and then be handed the socket (`advanceHandOver`).
    func spawn(_ slot: ProviderSlot) {
        guard !shuttingDown else { return }
        let generation = WorkerGeneration(
            provider: slot.provider, number: slot.nextGeneration, token: Self.makeToken(), now: .now)
        slot.nextGeneration += 1
        slot.generations.append(generation)
        let launch = WorkerLaunch(
            executablePath: executablePath, provider: slot.provider, generation: generation.number,
            token: generation.token, listenFD: slot.socket.fd, workersSocket: directory.workersSocket,
            pendingDirectory: directory.pendingDirectory,
            logFile: logFile)
        logger.info("starting worker", metadata: ["provider": "\(slot.provider.rawValue)", "generation": "\(generation.number)"])
        let provider = slot.provider, number = generation.number
        Task {
            let status = await launch.run { pid in await self.spawned(provider, number, pid: pid) }
            self.exited(provider, number, status: status)
        }
    }

    func spawned(_ provider: Provider, _ number: Int, pid: Int32) {
        guard let generation = slots[provider]?.generations.first(where: { $0.number == number }) else { return }
        generation.pid = pid
    }

    func exited(_ provider: Provider, _ number: Int, status: String) {
        guard let slot = slots[provider],
              let generation = slot.generations.first(where: { $0.number == number })
        else { return }
        generation.exited = true
        generation.outbox?.finish()
        generation.outbox = nil
        slot.generations.removeAll { $0 === generation }
        let metadata: Logger.Metadata = [
            "provider": "\(provider.rawValue)", "generation": "\(number)", "pid": "\(generation.pid ?? 0)", "status": "\(status)",
        ]
        if generation.expectedExit || shuttingDown {
            logger.info("worker exited", metadata: metadata)
        } else {
            handleCrash(slot, generation, metadata: metadata)
        }
        advanceHandOver(slot)
        abandonRefreshes(of: provider, generation: number)
        if slots.values.allSatisfy({ $0.live.isEmpty }) {
            let waiters = exitWaiters
            exitWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private func handleCrash(_ slot: ProviderSlot, _ generation: WorkerGeneration, metadata: Logger.Metadata) {
        let neverAccepted = generation.acceptingSince == nil
        if neverAccepted {
            let status = metadata["status"].map { "\($0)" } ?? "unknown"
            resolveAcceptWaiters(slot, .failure(.failed("the \(slot.provider.rawValue) worker exited before it was ready (\(status))")))
        }
        if neverAccepted && slot.staying.contains(where: { $0.state == .ready }) {
            // A new generation died during a hand-over: the old one keeps serving.
            logger.error("new worker exited before it was ready; the running one keeps serving", metadata: metadata)
            return
        }
        slot.restarts += 1
        slot.crashed = (generation.pid, generation.number)
        let uptime = ContinuousClock.now - (generation.acceptingSince ?? generation.spawnedAt)
        let delay = slot.backoff.delayAfterCrash(uptime: generation.acceptingSince == nil ? .zero : uptime)
        logger.error("worker exited unexpectedly; restarting", metadata: metadata.merging(["restart_in": "\(delay)"]) { a, _ in a })
        // Draining generations do not count: they will exit, and the hand-over lets the
        // replacement accept only once each has closed its copy of the socket.
        guard slot.staying.isEmpty else { return }
        let provider = slot.provider
        Task {
            try? await Task.sleep(for: delay)
            self.restartAfterCrash(provider)
        }
    }

    private func restartAfterCrash(_ provider: Provider) {
        guard let slot = slots[provider], slot.staying.isEmpty, !shuttingDown else { return }
        spawn(slot)
    }

    // MARK: - Messages from workers

    /// Checks a `hello`; on success the generation is attached to `outbox` and receives its
    /// config and pool. Returns nil (the caller closes the connection) for a wrong token or protocol.
    func hello(_ hello: Hello, outbox: LineOutbox) -> (Provider, Int)? {
        guard hello.protocol == WireCodec.protocolVersion else {
            logger.error("worker connection refused: protocol \(hello.protocol) is not \(WireCodec.protocolVersion)")
            return nil
        }
        for slot in slots.values {
            for generation in slot.generations where !generation.isConnected && !generation.exited {
                if constantTimeEquals(generation.token, hello.token) {
                    // The token names the child; a hello claiming another provider is a
                    // confused or forged peer, and gets no accounts.
                    guard hello.provider == slot.provider.rawValue else {
                        logger.error("worker connection refused: its hello names another provider",
                                     metadata: ["claimed_provider": "\(hello.provider)", "provider": "\(slot.provider.rawValue)"])
                        return nil
                    }
                    generation.outbox = outbox
                    generation.lastHeard = .now
                    if generation.pid == nil { generation.pid = hello.pid }
                    sendInitialState(to: generation)
                    return (slot.provider, generation.number)
                }
            }
        }
        logger.error("worker connection refused: unknown token", metadata: ["claimed_provider": "\(hello.provider)"])
        return nil
    }

    func received(_ message: WorkerMessage, from provider: Provider, _ number: Int) async {
        guard let slot = slots[provider], let generation = slot.generations.first(where: { $0.number == number }) else { return }
        generation.lastHeard = .now
        switch message {
        case .ready:
            guard generation.state == .starting else { return }
            generation.state = .standby
            advanceHandOver(slot)
            workerAvailable(provider)
        case .accepting:
            generation.state = .ready
            generation.acceptingSince = .now
            slot.crashed = nil
            logger.info("worker accepting", metadata: ["provider": "\(provider.rawValue)", "generation": "\(number)", "pid": "\(generation.pid ?? 0)"])
            resolveAcceptWaiters(slot, .success(()))
        case .acceptingStopped:
            beginDrain(generation, until: .now + config.workers.drainTimeout)
            advanceHandOver(slot)
        case .refreshAnswered(let requestID):
            refreshAnswered(requestID)
        case .refreshResult(let result):
            refreshResultArrived(result, from: generation)
        case .quotaResult(let result):
            quotaResultArrived(result)
        case .outcome(let outcome):
            outcomeArrived(outcome, from: provider)
        case .unknown(let type):
            let count = unknownMessages.record(type)
            let metadata: Logger.Metadata = ["type": "\(type)", "count": "\(count)", "provider": "\(provider.rawValue)"]
            if count == 1 {
                logger.warning("ignoring an unknown worker message type (a newer worker?); further ones are counted", metadata: metadata)
            } else {
                logger.debug("ignoring unknown worker message", metadata: metadata)
            }
        default:
            break
        }
    }

    /// A worker that lost its connection drains and exits on its own (SPEC §1); should it
    /// not, the drain deadline in `tick` ends it.
    func disconnected(_ provider: Provider, _ number: Int) {
        guard let generation = slots[provider]?.generations.first(where: { $0.number == number }) else { return }
        generation.outbox = nil
        if generation.drainDeadline == nil { generation.drainDeadline = .now + config.workers.drainTimeout }
    }

    // MARK: - Hand-over (SPEC §1)

    /// Moves a provider one step along: standby → (old stops accepting) → new accepts.
    func advanceHandOver(_ slot: ProviderSlot) {
        guard !shuttingDown,
              let standby = slot.generations.last(where: { $0.state == .standby && !$0.exited })
        else { return }
        let serving = slot.generations.filter { $0 !== standby && !$0.exited && ($0.state == .ready || $0.state == .standby) }
        if serving.isEmpty {
            guard !standby.acceptSent else { return }
            standby.acceptSent = true
            send(.accept, to: standby)
            return
        }
        for old in serving where !old.stopAcceptingSent {
            old.stopAcceptingSent = true
            old.expectedExit = true
            if old.state == .standby {
                beginDrain(old, until: .now)  // it never accepted: nothing to finish
            } else {
                send(.stopAccepting, to: old)
            }
        }
    }

    /// Tells `generation` to finish what it began and exit (SPEC §1). From here on its bound
    /// is `deadline`, with SIGKILL 5 s after it (`tick`), not the heartbeat: a worker busy
    /// finishing streams may answer pings late, and killing it would cut what the drain protects.
    func beginDrain(_ generation: WorkerGeneration, until deadline: ContinuousClock.Instant) {
        generation.state = .draining
        generation.expectedExit = true
        generation.drainDeadline = deadline
        send(.drain(deadlineMs: max(0, (deadline - .now).milliseconds)), to: generation)
    }

    /// `workers restart P`: a hand-over to a fresh generation; returns once it accepts.
    func restartWorker(_ provider: Provider) async -> Result<Void, ControlError> {
        guard let slot = slots[provider] else { return .failure(.notFound("provider \(provider.rawValue) is not enabled")) }
        guard !slot.restartInProgress else { return .failure(.conflict("a restart of \(provider.rawValue) is already in progress")) }
        slot.restartInProgress = true
        defer { slot.restartInProgress = false }
        spawn(slot)
        return await waitForAccepting(slot)
    }

    func waitForAccepting(_ slot: ProviderSlot) async -> Result<Void, ControlError> {
        if let stopReason { return .failure(.failed("stopped by \(stopReason)")) }
        return await withCheckedContinuation { slot.acceptWaiters.append($0) }
    }

    func resolveAcceptWaiters(_ slot: ProviderSlot, _ result: Result<Void, ControlError>) {
        let waiters = slot.acceptWaiters
        slot.acceptWaiters = []
        for waiter in waiters { waiter.resume(returning: result) }
    }

    // MARK: - Outbox

    func send(_ message: SupervisorMessage, to generation: WorkerGeneration) {
        generation.outbox?.send(WireCodec.encode(message))
    }

    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
    }
}

/// Compares two secrets in time independent of where they differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    ClientKeys.equal(Array(a.utf8), Array(b.utf8))
}

extension Duration {
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
