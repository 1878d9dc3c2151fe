import Dispatch

/// Runs Swift jobs on a `CurlMultiClient`'s own thread, between the loop's turns: a task started
/// with `Task(executorPreference: client.executor)` runs its code (outside actors) on the same
/// thread as the client's sinks. Starting a transfer from it and hearing back needs no lock and
/// no wake-up of another thread, which is what the worker's data path is to be built on
/// (docs/single-loop-worker.md).
///
/// - Jobs from the loop thread itself are queued without a lock; from other threads they travel
///   through the client's command queue, in order with `start`, `resume` and `cancel`.
/// - A job must not block: it holds up every transfer of the client, like a sink would.
/// - Enqueueing starts the client's thread if it is not running yet. Once the client is shut
///   down, jobs run on Swift's global concurrent executor instead, so no task is stranded.
public final class CurlLoopExecutor: TaskExecutor {
    private let inbox: CurlMultiInbox

    init(inbox: CurlMultiInbox) {
        self.inbox = inbox
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        if let loop = CurlMultiLoop.current, loop.inbox === inbox {
            loop.enqueueLocal(job, on: executor)
        } else if inbox.submit(.job(job, executor)) != nil {
            Self.runElsewhere(job)
        }
    }

    /// Where the jobs of a loop that has stopped go. Never run inline: the caller of `enqueue`
    /// may hold a lock the job wants.
    static func runElsewhere(_ job: UnownedJob) {
        DispatchQueue.global().async { job.runSynchronously(on: globalConcurrentExecutor.asUnownedTaskExecutor()) }
    }
}
