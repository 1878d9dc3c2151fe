import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread that drives one libcurl multi handle, and everything only that thread touches:
/// the multi handle, the easy handles, the pool of idle ones and each running transfer's state.
///
/// libcurl's socket API drives it: libcurl says which sockets to watch (socket callback) and
/// when its next timer is due (timer callback); the loop waits on those with epoll
/// (`CurlSocketPoller`) and hands back exactly the sockets that are ready
/// (`curl_multi_socket_action`), so a turn costs what moved, not what is open.
///
/// One turn: apply the queued commands (start, resume, cancel, shutdown, Swift jobs from other
/// threads) → run the jobs the loop's own thread queued → run libcurl's timer if due (a new
/// transfer starts there) → complete finished transfers (`curl_multi_info_read`) → check idle
/// limits → run jobs again → end-of-turn work (`CurlLoop`) → wait for readiness, a command's
/// wake-up or the next timer (not at all while jobs, commands or end-of-turn work are queued)
/// → hand each ready socket to its `CurlLoop` handler or to libcurl (the sinks hear about it).
///
/// Created by `launch` on the thread that starts the first transfer and handed to the new
/// thread, which alone uses it from then on (hence `@unchecked Sendable`).
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    let inbox: CurlMultiInbox
    private let poller: CurlSocketPoller
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` next; `nil`: never.
    private var timerDeadline: ContinuousClock.Instant?
    private let multiplexing: Bool
    private let longestPoll: Int32
    private var pool: CurlEasyHandlePool
    private var transfers = ActiveTransfers()
    /// The commands of this turn; swapped with the inbox's queue so neither allocates.
    private var batch: [CurlMultiCommand] = []
    private var nextIdleCheck = ContinuousClock.now
    /// Jobs queued by this thread (a sink resuming a task, a task starting another), run
    /// without the inbox's lock or a wake-up; and the batch being run, the two taking turns.
    private var localJobs: [(UnownedJob, UnownedTaskExecutor)] = []
    private var jobBatch: [(UnownedJob, UnownedTaskExecutor)] = []
    /// Descriptors of `CurlLoop` users (not libcurl's) and their end-of-turn work.
    private let guests = CurlLoopGuests()
    /// libcurl's sockets as epoll holds them, the parked ones among them.
    private(set) var sockets = CurlSockets()
    private var spin = WaitSpin()

    /// How often idle limits are checked while some transfer has one: an idle timeout fires at
    /// most this late.
    static let idleCheckInterval = Duration.milliseconds(100)

    private init(multi: UnsafeMutableRawPointer, inbox: CurlMultiInbox, poller: CurlSocketPoller, settings: CurlMultiSettings) {
        self.multi = multi
        self.inbox = inbox
        self.poller = poller
        multiplexing = settings.multiplexing
        longestPoll = max(1, settings.longestPoll)
        pool = CurlEasyHandlePool(share: CurlShare())
        batch.reserveCapacity(64)
    }

    /// Creates and configures the multi handle and starts the thread.
    static func launch(
        inbox: CurlMultiInbox, settings: CurlMultiSettings
    ) -> Result<(poller: CurlSocketPoller, thread: pthread_t), CurlError> {
        guard Curl.isInitialized, let multi = curl_multi_init() else {
            return .failure(CurlError(code: .initFailed, curlCode: 2, message: "libcurl could not create a multi handle"))
        }
        guard let poller = CurlSocketPoller() else {
            curl_multi_cleanup(multi)
            return .failure(CurlError(code: .initFailed, curlCode: 0, message: "could not create the curl client's epoll instance"))
        }
        let loop = CurlMultiLoop(multi: multi, inbox: inbox, poller: poller, settings: settings)
        // The loop outlives the multi handle (cleaned up at the end of `run`), so libcurl may
        // hold it unretained.
        let userData = Unmanaged.passUnretained(loop).toOpaque()
        let pipelining = settings.multiplexing ? SY_CURLPIPE_MULTIPLEX : SY_CURLPIPE_NOTHING
        guard sy_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, pipelining) == CURLM_OK,
              sy_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, settings.maxConnectionsPerHost)) == CURLM_OK,
              sy_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, settings.maxCachedConnections)) == CURLM_OK,
              sy_curl_multi_setopt_socket_function(multi, CURLMOPT_SOCKETFUNCTION, CurlMultiLoop.socketCallback) == CURLM_OK,
              sy_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, userData) == CURLM_OK,
              sy_curl_multi_setopt_timer_function(multi, CURLMOPT_TIMERFUNCTION, CurlMultiLoop.timerCallback) == CURLM_OK,
              sy_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, userData) == CURLM_OK
        else {
            curl_multi_cleanup(multi)
            poller.close()
            return .failure(CurlError(code: .initFailed, curlCode: 0, message: "libcurl refused the multi handle's options"))
        }
        guard let thread = LoopThread.start(name: settings.name, { loop.run() }) else {
            curl_multi_cleanup(multi)
            poller.close()
            return .failure(CurlError(code: .initFailed, curlCode: 0, message: "could not start the curl client's thread"))
        }
        return .success((poller, thread))
    }

    private func run() {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        while turn() {}
        tearDown()
    }

    /// One turn of the loop; `false` once a shutdown was handled.
    private func turn() -> Bool {
        inbox.take(into: &batch)
        guard applyCommands() else { return false }
        runLocalJobs()
        runTimerIfDue()
        guests.runTickerIfDue()
        completeFinishedTransfers()
        checkIdleTransfers()
        runLocalJobs()
        guests.runEndOfTurn()
        let idle = localJobs.isEmpty && !guests.hasEndOfTurnWork && !inbox.hasPending
        if idle, !transfers.all.isEmpty {
            waitForTransfers()
        } else {
            poller.wait(timeoutMs: idle ? pollTimeout() : 0)
        }
        var running: Int32 = 0
        for index in 0..<poller.readyCount {
            let events = poller.readyEvents[index]
            let fd = poller.readyFDs[index]
            if let guest = guests.handler(for: fd) {
                guest.ready(fd, events: CurlLoopGuests.events(events))
                continue
            }
            // A parked socket libcurl does not want: unwatched for real, not handed over.
            if sockets.parkedSocketIsReady(fd) {
                poller.unwatch(fd)
                continue
            }
            var flags: Int32 = 0
            if events & SY_EPOLLIN != 0 { flags |= SY_CURL_CSELECT_IN }
            if events & SY_EPOLLOUT != 0 { flags |= SY_CURL_CSELECT_OUT }
            if events & (SY_EPOLLERR | SY_EPOLLHUP) != 0 { flags |= SY_CURL_CSELECT_ERR }
            _ = curl_multi_socket_action(multi, fd, flags, &running)
        }
        return true
    }

    /// Waits with transfers in flight: polls for a moment first when that has been paying off
    /// (`WaitSpin`), then sleeps until readiness, a command or the next timer.
    private func waitForTransfers() {
        let start = ContinuousClock.now
        var ready = false
        if spin.shouldSpin {
            let until = start + .nanoseconds(WaitSpin.windowNanoseconds)
            repeat {
                poller.wait(timeoutMs: 0)
                ready = poller.readyCount > 0
            } while !ready && !inbox.hasPending && ContinuousClock.now < until
        }
        // Every path waits once more unless the poll found something: the ready list must be
        // this turn's, and a command that arrived meanwhile must not wait for the timeout.
        if !ready { poller.wait(timeoutMs: inbox.hasPending ? 0 : pollTimeout()) }
        spin.record(waitedNanoseconds: (ContinuousClock.now - start).nanoseconds)
    }

    /// libcurl's timer drives connects, retries, timeouts and transfers it has more to do for
    /// (a new or resumed one). Once per turn: libcurl often asks for "now" again from inside,
    /// and the next turn's wait then returns at once.
    private func runTimerIfDue() {
        guard let deadline = timerDeadline, deadline <= .now else { return }
        timerDeadline = nil
        var running: Int32 = 0
        _ = curl_multi_socket_action(multi, SY_CURL_SOCKET_TIMEOUT, 0, &running)
    }

    // MARK: - libcurl's socket and timer callbacks


    private static let socketCallback: curl_socket_callback = { _, socket, what, userData, socketData in
        guard let userData else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userData).takeUnretainedValue()
        if what == SY_CURL_POLL_REMOVE {
            // Parked if it may be (`CurlSockets`), else unwatched. libcurl forgets the socket's
            // pointer itself after REMOVE.
            loop.poller.apply(loop.sockets.remove(socket), to: socket)
        } else {
            let events = (what & SY_CURL_POLL_IN != 0 ? SY_EPOLLIN : 0) | (what & SY_CURL_POLL_OUT != 0 ? SY_EPOLLOUT : 0)
            loop.poller.apply(loop.sockets.watch(socket, events: events, isNew: socketData == nil), to: socket)
            // Any non-nil pointer marks the socket as watched; libcurl keeps it per socket for us.
            if socketData == nil { curl_multi_assign(loop.multi, socket, UnsafeMutableRawPointer(bitPattern: 1)) }
        }
        return 0
    }

    /// libcurl's connection sockets are opened and closed here so that `sockets` knows when a
    /// number it may park is closed (libcurl does not say REMOVE for a socket it no longer
    /// watches). Close-on-exec as well: libcurl 7.88 opens sockets without it, and a child
    /// process would inherit every upstream connection.
    private static let openSocketCallback: curl_opensocket_callback = { userData, _, address in
        guard let userData, let address else { return SY_CURL_SOCKET_BAD }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userData).takeUnretainedValue()
        let fd = socket(address.pointee.family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
        if fd >= 0 { loop.sockets.opened(fd) }
        return fd
    }

    private static let closeSocketCallback: curl_closesocket_callback = { userData, socket in
        if let userData {
            let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userData).takeUnretainedValue()
            loop.poller.apply(loop.sockets.closing(socket), to: socket)
        }
        return Glibc.close(socket)
    }

    /// Routes `easy`'s sockets through the callbacks above. A connection keeps the callbacks
    /// of the handle that opened it, and the loop outlives the multi handle and so every
    /// connection, so libcurl may hold the loop unretained.
    private func adoptSockets(of easy: CurlEasyHandle) throws(CurlError) {
        let userData = Unmanaged.passUnretained(self).toOpaque()
        let options = easy.options
        try options.check(sy_curl_easy_setopt_opensocket_function(easy.raw, CURLOPT_OPENSOCKETFUNCTION, Self.openSocketCallback))
        try options.check(sy_curl_easy_setopt_pointer(easy.raw, CURLOPT_OPENSOCKETDATA, userData))
        try options.check(sy_curl_easy_setopt_closesocket_function(easy.raw, CURLOPT_CLOSESOCKETFUNCTION, Self.closeSocketCallback))
        try options.check(sy_curl_easy_setopt_pointer(easy.raw, CURLOPT_CLOSESOCKETDATA, userData))
    }

    private static let timerCallback: curl_multi_timer_callback = { _, timeoutMs, userData in
        guard let userData else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userData).takeUnretainedValue()
        loop.timerDeadline = timeoutMs < 0 ? nil : .now + .milliseconds(timeoutMs)
        return 0
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
            case .job(let job, let executor):
                job.runSynchronously(on: executor)
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
            if let easy = context.easy { try adoptSockets(of: easy) }
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

    /// Until libcurl's next timer or the next idle check, whichever is first, rounded up to a
    /// whole millisecond so that a timer a fraction of one away does not spin the loop.
    private func pollTimeout() -> Int32 {
        var timeout = Int(longestPoll)
        let now = ContinuousClock.now
        if transfers.watchedCount > 0 { timeout = min(timeout, (nextIdleCheck - now).millisecondsRoundedUp) }
        if let deadline = timerDeadline { timeout = min(timeout, (deadline - now).millisecondsRoundedUp) }
        if let tick = guests.nextTick { timeout = min(timeout, (tick - now).millisecondsRoundedUp) }
        return Int32(timeout)
    }

    private func tearDown() {
        // From here on, jobs for this loop run on Swift's global executor instead.
        pthread_setspecific(Self.currentKey, nil)
        for command in inbox.markStopped() {
            switch command {
            case .start(let context): finish(context, CurlMultiInbox.shutDown)
            case .job(let job, _): CurlLoopExecutor.runElsewhere(job)
            case .resume, .cancel, .shutdown: break
            }
        }
        for (job, _) in localJobs { CurlLoopExecutor.runElsewhere(job) }
        localJobs = []
        pool.removeAll()
        curl_multi_cleanup(multi)
        poller.close()
        inbox.loopDidEnd()
    }

    // MARK: - Guests (CurlLoop)

    func watch(_ fd: Int32, reading: Bool, writing: Bool, handler: any CurlLoopHandler) {
        let known = guests.set(handler, for: fd)
        // A new guest's number may have been a libcurl socket's: none of that state holds.
        if !known { sockets.forget(fd) }
        poller.watch(fd, reading: reading, writing: writing, isNew: !known)
    }

    func unwatch(_ fd: Int32) {
        guests.remove(fd)
        poller.unwatch(fd)
    }

    func runAtEndOfTurn(_ handler: any CurlLoopHandler) {
        guests.callAtEndOfTurn(handler)
    }

    func tick(every interval: Duration, _ body: @escaping () -> Void) {
        guests.tick(every: interval, body)
    }

    func stopTicking() {
        guests.stopTicking()
    }

    /// The poller's system calls so far (tests).
    var pollerCalls: (controls: Int, waits: Int) { (poller.controlCount, poller.waitCount) }

    // MARK: - Jobs

    /// Queues a job from this loop's own thread.
    func enqueueLocal(_ job: UnownedJob, on executor: UnownedTaskExecutor) {
        localJobs.append((job, executor))
    }

    /// Runs the jobs queued so far; those they queue wait for the next round, so a task that
    /// keeps yielding cannot starve the sockets.
    private func runLocalJobs() {
        guard !localJobs.isEmpty else { return }
        swap(&localJobs, &jobBatch)
        for (job, executor) in jobBatch { job.runSynchronously(on: executor) }
        jobBatch.removeAll(keepingCapacity: true)
    }

    /// The loop running on the calling thread, if any (a thread-specific value: the executor's
    /// fast path and the inbox's wake-up decision ask on every job and command).
    static var current: CurlMultiLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<CurlMultiLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    static func isCurrent(of inbox: CurlMultiInbox) -> Bool {
        current?.inbox === inbox
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left for the curl loop")
        return key
    }()

    static let idleTimedOut = CurlError(code: .timedOut, curlCode: 28, message: "no data moved within the idle timeout")
}
