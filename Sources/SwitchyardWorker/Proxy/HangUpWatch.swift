import Synchronization

/// Learns when a client goes away while its proxied request runs, so the upstream work done
/// for it stops at once instead of at the next write that fails: an upstream can stay silent
/// for minutes while a model thinks, and a request not yet answered (a head awaited, a stream
/// held by `StreamGate`, a Codex answer being collected, a renewed token awaited) writes
/// nothing that could fail at all.
///
/// One watch per connection. `LoopConnection` reports the client's end of input or the
/// connection's close; the task of a proxied request arms the watch for as long as it runs
/// (`arm`, `disarm`). A hang-up while armed cancels that task, and every wait on the data
/// path honours that cancellation (`UpstreamExchange`, the renewed-token wait, project
/// discovery): the current transfer is cancelled, no further attempt starts, nothing is
/// reported for the cancelled attempt. `LoopConnection` closes the connection when the task
/// throws (`ClientGone`), so nothing is written to it.
///
/// Outside the armed window a hang-up cancels nothing: a client that half-closes after its
/// request still gets a health check or a local answer.
final class HangUpWatch: Sendable {
    private static let armed: UInt8 = 1
    private static let gone: UInt8 = 2

    /// `armed` and `gone`, changed by single atomic operations so that whichever of
    /// `arm` and `hungUp` comes second sees the other.
    private let flags = Atomic<UInt8>(0)
    /// The current proxied request's task, set on the connection's loop when it starts.
    private let task = Mutex<Task<Void, Never>?>(nil)

    init() {}

    /// The task serving the connection's current request: the one a hang-up cancels.
    func attach(_ task: Task<Void, Never>) {
        self.task.withLock { $0 = task }
        // Should the task have armed and the client gone before this line, `hungUp` found no
        // task to cancel.
        if flags.load(ordering: .acquiring) == Self.armed | Self.gone { task.cancel() }
    }

    /// From now on a hang-up cancels the connection's task. False when the client has gone
    /// already: then nothing may start on its behalf.
    func arm() -> Bool {
        let (old, _) = flags.bitwiseOr(Self.armed, ordering: .acquiringAndReleasing)
        return old & Self.gone == 0
    }

    /// The proxied request ended; a later hang-up concerns no upstream work.
    func disarm() {
        flags.bitwiseAnd(~Self.armed, ordering: .acquiringAndReleasing)
    }

    /// The client's end of input or the connection's close; the first one cancels an armed request.
    func hungUp() {
        let (old, _) = flags.bitwiseOr(Self.gone, ordering: .acquiringAndReleasing)
        guard old & Self.gone == 0, old & Self.armed != 0 else { return }
        task.withLock { $0 }?.cancel()
    }
}

/// Thrown by a proxied request's task when its client hung up before the answer was written:
/// `LoopConnection` then closes the connection without writing to it.
struct ClientGone: Error, CustomStringConvertible {
    var description: String { "the client hung up before its answer was decided" }
}
