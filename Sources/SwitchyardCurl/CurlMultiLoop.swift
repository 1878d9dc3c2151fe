import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread that drives one libcurl multi handle, and everything only that thread touches:
/// the multi handle, the easy handles, the pool of idle ones and each running transfer's state.
///
/// One turn: `curl_multi_perform` (libcurl reads and writes; the sinks hear about it) → drain
/// `curl_multi_info_read` (complete finished transfers) → apply the queued commands (start,
/// resume, cancel, shutdown) → check idle limits → `curl_multi_poll`. Completions are drained
/// before polling so none waits out a poll; a new command ends the poll through
/// `curl_multi_wakeup`; libcurl shortens the poll to its own next timer.
///
/// Created by `launch` on the thread that starts the first transfer and handed to the new
/// thread, which alone uses it from then on (hence `@unchecked Sendable`).
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let inbox: CurlMultiInbox
    private let multiplexing: Bool
    private let longestPoll: Int32
    private var pool: CurlEasyHandlePool
    private var transfers = ActiveTransfers()
    /// The commands of this turn; swapped with the inbox's queue so neither allocates.
    private var batch: [CurlMultiCommand] = []
    private var nextIdleCheck = ContinuousClock.now

    /// How often idle limits are checked while some transfer has one: an idle timeout fires at
    /// most this late.
    static let idleCheckInterval = Duration.milliseconds(100)

    private init(multi: UnsafeMutableRawPointer, inbox: CurlMultiInbox, settings: CurlMultiSettings) {
        self.multi = multi
        self.inbox = inbox
        multiplexing = settings.multiplexing
        longestPoll = max(1, settings.longestPoll)
        pool = CurlEasyHandlePool(share: CurlShare())
        batch.reserveCapacity(64)
    }

    /// Creates and configures the multi handle and starts the thread.
    static func launch(
        inbox: CurlMultiInbox, settings: CurlMultiSettings
    ) -> Result<(multi: UnsafeMutableRawPointer, thread: pthread_t), CurlError> {
        guard Curl.isInitialized, let multi = curl_multi_init() else {
            return .failure(CurlError(code: .initFailed, curlCode: 2, message: "libcurl could not create a multi handle"))
        }
        let pipelining = settings.multiplexing ? SY_CURLPIPE_MULTIPLEX : SY_CURLPIPE_NOTHING
        guard sy_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, pipelining) == CURLM_OK,
              sy_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, settings.maxConnectionsPerHost)) == CURLM_OK
        else {
            curl_multi_cleanup(multi)
            return .failure(CurlError(code: .initFailed, curlCode: 0, message: "libcurl refused the multi handle's options"))
        }
        let loop = CurlMultiLoop(multi: multi, inbox: inbox, settings: settings)
        guard let thread = LoopThread.start(name: settings.name, { loop.run() }) else {
            curl_multi_cleanup(multi)
            return .failure(CurlError(code: .initFailed, curlCode: 0, message: "could not start the curl client's thread"))
        }
        return .success((multi, thread))
    }

    private func run() {
        while turn() {}
        tearDown()
    }

    /// One turn of the loop; `false` once a shutdown was handled.
    private func turn() -> Bool {
        var running: Int32 = 0
        _ = curl_multi_perform(multi, &running)
        completeFinishedTransfers()
        inbox.take(into: &batch)
        guard applyCommands() else { return false }
        checkIdleTransfers()
        if curl_multi_poll(multi, nil, 0, pollTimeout(), nil) != CURLM_OK {
            // Error path only: a poll that fails at once would otherwise spin this thread.
            _ = poll(nil, 0, 10)
        }
        return true
    }

    // MARK: - Commands

    private func applyCommands() -> Bool {
        defer { batch.removeAll(keepingCapacity: true) }
        for command in batch {
            switch command {
            case .start(let context):
                begin(context)
            case .resume(let context):
                if let error = context.resumeDelivery(at: .now) { finish(context, error) }
            case .cancel(let context):
                finish(context, MultiTransferContext.cancelled)
            case .shutdown:
                for context in transfers.all.reversed() { finish(context, CurlMultiInbox.shutDown) }
                return false
            }
        }
        return true
    }

    private func begin(_ context: MultiTransferContext) {
        if let error = context.preparationError { return finish(context, error) }
        // Cancelled while queued: never touch the network.
        if context.cancelRequested.load(ordering: .relaxed) { return finish(context, MultiTransferContext.cancelled) }
        do throws(CurlError) {
            try context.attach(try pool.take(), pipeWait: multiplexing)
        } catch {
            return finish(context, error)
        }
        guard let easy = context.easy else {
            return finish(context, CurlError(code: .initFailed, curlCode: 0, message: "no easy handle"))
        }
        // libcurl's reference, given back in `finish` right after the handle leaves the multi.
        let libcurlReference = Unmanaged.passRetained(context)
        let code = curl_multi_add_handle(multi, easy.raw)
        guard code == CURLM_OK else {
            libcurlReference.release()
            let message = String(cString: curl_multi_strerror(code))
            return finish(context, CurlError(code: .initFailed, curlCode: 0, message: message))
        }
        context.phase = .running
        transfers.insert(context)
        context.startIdleWatch(at: .now)
    }

    /// Ends a transfer for good, whatever ended it: takes its handle out of the multi handle (an
    /// unfinished HTTP/1.1 transfer's connection is closed, an HTTP/2 stream is reset), gives
    /// back libcurl's reference, tells the sink, and returns the handle to the pool.
    private func finish(_ context: MultiTransferContext, _ error: CurlError?) {
        guard context.phase != .finished else { return }
        if context.phase == .running, let easy = context.easy {
            curl_multi_remove_handle(multi, easy.raw)
            Unmanaged.passUnretained(context).release()
            transfers.remove(context)
        }
        inbox.activeCount.subtract(1, ordering: .relaxed)
        context.complete(error)
        if let easy = context.detachEasy() { pool.give(easy) }
    }

    // MARK: - Completion, idle limits, polling

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            // The message is only valid until the handle is removed: read it first.
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let context = Self.context(of: easy) else { continue }
            finish(context, context.outcome(of: code))
        }
    }

    private static func context(of easy: UnsafeMutableRawPointer) -> MultiTransferContext? {
        var pointer: UnsafeMutableRawPointer?
        guard sy_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &pointer) == CURLE_OK, let pointer else { return nil }
        return Unmanaged<MultiTransferContext>.fromOpaque(pointer).takeUnretainedValue()
    }

    private func checkIdleTransfers() {
        guard transfers.watchedCount > 0 else { return }
        let now = ContinuousClock.now
        guard now >= nextIdleCheck else { return }
        nextIdleCheck = now + Self.idleCheckInterval
        // Backwards: a removal moves the last transfer, already checked, into the gap.
        for index in transfers.all.indices.reversed() where index < transfers.all.count {
            let context = transfers.all[index]
            if !context.isWithinIdleLimit(at: now) { finish(context, Self.idleTimedOut) }
        }
    }

    private func pollTimeout() -> Int32 {
        guard transfers.watchedCount > 0 else { return longestPoll }
        let untilCheck = CurlEasyOptions.milliseconds(nextIdleCheck - .now)
        return Int32(min(untilCheck, Int(longestPoll)))
    }

    private func tearDown() {
        for case .start(let context) in inbox.markStopped() { finish(context, CurlMultiInbox.shutDown) }
        pool.removeAll()
        curl_multi_cleanup(multi)
        inbox.loopDidEnd()
    }

    static let idleTimedOut = CurlError(code: .timedOut, curlCode: 28, message: "no data moved within the idle timeout")
}
