import Synchronization

/// A flag set from any thread (a task's cancellation handler) and read by libcurl's progress
/// callback on the transfer thread, which then aborts the transfer. libcurl calls that callback
/// about once a second even when no data moves, so a cancel takes effect within about a second.
final class TransferCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
