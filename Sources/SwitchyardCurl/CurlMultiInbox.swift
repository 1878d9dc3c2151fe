import CCurl
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only door into a `CurlMultiLoop` from other threads: a lock-protected command queue, the
/// loop's lifecycle, and the poller's wake-up to end the loop's wait early.
///
/// Wake-ups are coalesced: only the command that finds the queue empty wakes the loop, since the
/// loop takes the whole queue at once. The wake-up runs under the lock, and the loop marks itself
/// stopped under the same lock before it closes its poller, so no thread can wake a poller that
/// is gone.
final class CurlMultiInbox: Sendable {
    enum Phase {
        /// No thread yet: it starts with the first transfer.
        case idle
        case running(poller: CurlSocketPoller, thread: pthread_t)
        /// `shutdown` was asked; no new command is taken.
        case stopping(thread: pthread_t)
        case stopped
    }

    private struct State {
        var pending: [CurlMultiCommand] = []
        var phase = Phase.idle
    }

    private let state = PosixMutex(State())
    private let settings: CurlMultiSettings
    /// Entered when the thread starts, left when it ended: what `shutdown` waits for.
    private let running = DispatchGroup()
    /// Transfers started and not yet completed.
    let activeCount = Atomic<Int>(0)

    init(settings: CurlMultiSettings) {
        self.settings = settings
    }

    /// Queues `command`, starting the loop on first use. `nil` when queued; otherwise why not
    /// (shut down, or the loop could not start), and the caller deals with the command itself.
    func submit(_ command: CurlMultiCommand) -> CurlError? {
        state.withLock { state -> CurlError? in
            let poller: CurlSocketPoller
            switch state.phase {
            case .running(let runningPoller, _):
                poller = runningPoller
            case .idle:
                running.enter()
                switch CurlMultiLoop.launch(inbox: self, settings: settings) {
                case .success(let launched):
                    state.phase = .running(poller: launched.poller, thread: launched.thread)
                    poller = launched.poller
                case .failure(let error):
                    running.leave()
                    return error
                }
            case .stopping, .stopped:
                return Self.shutDown
            }
            state.pending.append(command)
            // The loop thread itself is awake, and looks for commands before it waits.
            if state.pending.count == 1, !CurlMultiLoop.isCurrent(of: self) { poller.wake() }
            return nil
        }
    }

    /// Whether commands wait to be taken: the loop does not sleep on them.
    var hasPending: Bool {
        state.withLock { !$0.pending.isEmpty }
    }

    /// Asks the loop to stop. Returns its thread when the caller may wait for it to end.
    func requestShutdown() -> pthread_t? {
        state.withLock { state -> pthread_t? in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return nil
            case .running(let poller, let thread):
                state.phase = .stopping(thread: thread)
                state.pending.append(.shutdown)
                if state.pending.count == 1 { poller.wake() }
                return thread
            case .stopping(let thread):
                return thread
            case .stopped:
                return nil
            }
        }
    }

    func waitUntilStopped() {
        running.wait()
    }

    // MARK: Loop thread

    /// Swaps the queued commands into `batch` (which must be empty): the two arrays take turns,
    /// so queueing allocates nothing once both have grown.
    func take(into batch: inout [CurlMultiCommand]) {
        state.withLock { swap(&$0.pending, &batch) }
    }

    /// The loop is about to close its poller: no more wake-ups. Returns commands that
    /// arrived after the last `take`.
    func markStopped() -> [CurlMultiCommand] {
        state.withLock { state in
            state.phase = .stopped
            defer { state.pending = [] }
            return state.pending
        }
    }

    /// The very last thing the loop thread does.
    func loopDidEnd() {
        running.leave()
    }

    static let shutDown = CurlError(code: .cancelled, curlCode: 0, message: "the curl client is shut down")
}
