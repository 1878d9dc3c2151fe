import Dispatch

/// A serial executor on a private dispatch queue, for actors whose methods block in system
/// calls (`fsync` can take tens of milliseconds). Running them on the cooperative pool would
/// stall every other task while a 2-core machine has only two pool threads.
/// (`DispatchSerialQueue` is not available as an executor on Linux, hence this adapter.)
final class DispatchQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
