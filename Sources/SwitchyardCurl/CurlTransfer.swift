/// A handle on one running `CurlMultiClient` transfer. Every method may be called from any
/// thread, any number of times, also after the transfer ended (then it does nothing).
///
/// It holds the transfer's state until released; the client lets go of the sink when the
/// transfer completes, so a sink may keep its `CurlTransfer` without a reference cycle.
public final class CurlTransfer: Sendable {
    private let context: MultiTransferContext
    private let inbox: CurlMultiInbox

    init(context: MultiTransferContext, inbox: CurlMultiInbox) {
        self.context = context
        self.inbox = inbox
    }

    /// Delivery resumes after a `.pause`. Calling it while not paused is harmless. A resume that
    /// races with the sink returning `.pause` is not lost: the loop applies it after that pause.
    /// libcurl may deliver the bytes it held back at once, before any new ones arrive.
    public func resume() {
        guard !context.hasEnded.load(ordering: .acquiring) else { return }
        // One queued resume is enough: the flag is cleared when the loop applies it.
        guard !context.resumeQueued.exchange(true, ordering: .sequentiallyConsistent) else { return }
        if inbox.submit(.resume(context)) != nil {
            context.resumeQueued.store(false, ordering: .relaxed)
        }
    }

    /// Aborts the transfer: no more `receive` calls reach the sink from the moment the loop sees
    /// this, its HTTP/1.1 connection is closed (not reused) or its HTTP/2 stream reset, and
    /// `complete(.cancelled)` follows within milliseconds (the loop is woken at once). A transfer
    /// that already completed stays completed.
    public func cancel() {
        guard !context.hasEnded.load(ordering: .acquiring),
              !context.cancelRequested.exchange(true, ordering: .sequentiallyConsistent) else { return }
        _ = inbox.submit(.cancel(context))
    }
}
