import NIOCore
import SwitchyardCore
import SwitchyardProtocol

/// One spawned worker process of one provider, as the supervisor tracks it.
/// Owned and mutated by the `Supervisor` actor only.
final class WorkerGeneration {
    let provider: Provider
    let number: Int
    /// The per-spawn secret the process must present in `hello`.
    let token: String
    let spawnedAt: ContinuousClock.Instant
    var pid: Int32?
    var state: WorkerState = .starting
    /// Set once `hello` was accepted; lines written here go to this worker in order.
    var outbox: LineOutbox?
    var lastHeard: ContinuousClock.Instant
    var acceptingSince: ContinuousClock.Instant?
    /// True once the supervisor itself asked it to go (drain, shutdown, hand-over): its exit is no crash.
    var expectedExit = false
    var stopAcceptingSent = false
    var acceptSent = false
    var drainDeadline: ContinuousClock.Instant?
    var terminateSentAt: ContinuousClock.Instant?
    var exited = false

    init(provider: Provider, number: Int, token: String, now: ContinuousClock.Instant) {
        self.provider = provider
        self.number = number
        self.token = token
        self.spawnedAt = now
        self.lastHeard = now
    }

    var isConnected: Bool { outbox != nil }
}

/// One provider's listening socket and the worker generations that serve it.
final class ProviderSlot {
    let provider: Provider
    let socket: ListeningSocket
    var generations: [WorkerGeneration] = []
    var nextGeneration = 1
    var restarts = 0
    var backoff = RestartBackoff()
    /// The generation that exited last, shown as `crashed` until its replacement starts.
    var crashed: (pid: Int32?, generation: Int)?
    /// Callers of `workers restart` (and the start-up) waiting for the newest generation to accept.
    var acceptWaiters: [CheckedContinuation<Result<Void, ControlError>, Never>] = []
    var restartInProgress = false

    init(provider: Provider, socket: ListeningSocket) {
        self.provider = provider
        self.socket = socket
    }

    var live: [WorkerGeneration] { generations.filter { !$0.exited } }
    /// Live generations not asked to go: the one serving, or one on its way to take over.
    /// Empty means that once the draining ones have exited, nobody serves.
    var staying: [WorkerGeneration] { live.filter { !$0.expectedExit } }
    /// The generation currently accepting client connections, if any.
    var accepting: WorkerGeneration? { generations.last { $0.state == .ready } }
}
