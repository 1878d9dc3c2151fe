import CCurl
import Synchronization

/// The state of one `CurlMultiClient` transfer, reached from libcurl's C callbacks through their
/// user-data pointer.
///
/// Threads: created on the thread calling `start`, then handed to the loop thread through the
/// command queue, whose lock orders the hand-over; from then on only the loop thread touches the
/// plain stored properties (callbacks, commands and completion all run there). The atomics are
/// the only members other threads touch, through `CurlTransfer`.
///
/// Ownership across C: the loop takes one retain (`Unmanaged.passRetained`) right before
/// `curl_multi_add_handle` and gives it back right after `curl_multi_remove_handle`. libcurl
/// holds this object's address (`CURLOPT_PRIVATE`, `WRITEDATA`, `HEADERDATA`) only while the
/// handle is in the multi handle, which is the only time it can call back, so that retain is
/// what keeps every callback's pointer valid. The header list and body copy (`PreparedRequest`)
/// are freed in `complete`, which runs after the removal.
final class MultiTransferContext: @unchecked Sendable {
    enum Phase {
        /// Waiting in the command queue, not yet in the multi handle.
        case queued
        /// In the multi handle.
        case running
        /// Completed; every later command is ignored.
        case finished
    }

    // MARK: Touched by any thread

    /// `CurlTransfer.cancel()` was called: deliver nothing more; the queued command ends it.
    let cancelRequested = Atomic<Bool>(false)
    /// A resume command is in the queue and not yet applied, so another `resume()` need not
    /// queue one. Cleared by the loop *before* it looks at the pause state, so a resume that
    /// races with a new pause always queues a command that sees that pause.
    let resumeQueued = Atomic<Bool>(false)
    /// Set before the sink's `complete`; `CurlTransfer` then does nothing.
    let hasEnded = Atomic<Bool>(false)

    // MARK: Loop thread only

    private var sink: (any CurlTransferSink)?
    private var prepared: PreparedRequest?
    /// Why the request could not even be prepared (invalid header, method …).
    let preparationError: CurlError?
    private(set) var easy: CurlEasyHandle?
    var phase = Phase.queued
    /// The slot in `ActiveTransfers`.
    var activeIndex = -1
    private let idleLimit: Duration?
    private var idle: IdleWatch?
    /// The sink returned `.pause` and has not been resumed.
    private var isPausedBySink = false
    /// libcurl holds bytes we refused with `CURL_WRITEFUNC_PAUSE` and needs `curl_easy_pause`.
    private var isPausedInCurl = false
    private var parser = ResponseHeadParser()
    private var headDelivered = false

    init(request: HTTPRequest, sink: any CurlTransferSink) {
        self.sink = sink
        idleLimit = request.idleTimeout
        switch Result(catching: { () throws(CurlError) in try PreparedRequest(request) }) {
        case .success(let prepared):
            self.prepared = prepared
            preparationError = nil
        case .failure(let error):
            prepared = nil
            preparationError = error
        }
    }

    deinit {
        // Only reached with memory still held if the transfer never entered a multi handle.
        prepared?.release()
    }

    var watchesIdle: Bool { idleLimit != nil }

    // MARK: Loop thread: lifecycle

    /// Configures `easy` for this transfer; the context keeps it until `detachEasy()`.
    func attach(_ easy: CurlEasyHandle, pipeWait: Bool) throws(CurlError) {
        self.easy = easy
        let options = easy.options
        try prepared?.apply(to: options)
        let userData = Unmanaged.passUnretained(self).toOpaque()
        try options.check(sy_curl_easy_setopt_pointer(easy.raw, CURLOPT_PRIVATE, userData))
        try options.check(sy_curl_easy_setopt_write_function(easy.raw, CURLOPT_WRITEFUNCTION, MultiTransferCallbacks.write))
        try options.check(sy_curl_easy_setopt_pointer(easy.raw, CURLOPT_WRITEDATA, userData))
        try options.check(sy_curl_easy_setopt_write_function(easy.raw, CURLOPT_HEADERFUNCTION, MultiTransferCallbacks.header))
        try options.check(sy_curl_easy_setopt_pointer(easy.raw, CURLOPT_HEADERDATA, userData))
        // Wait for a connection that may multiplex rather than open one more next to it.
        if pipeWait, prepared?.isHTTPS == true { try options.set(CURLOPT_PIPEWAIT, 1) }
    }

    func detachEasy() -> CurlEasyHandle? {
        defer { easy = nil }
        return easy
    }

    /// The idle clock starts when the transfer enters the multi handle.
    func startIdleWatch(at now: ContinuousClock.Instant) {
        idle = idleLimit.map { IdleWatch(limit: $0, lastActivity: now) }
    }

    /// What the end of libcurl's transfer means for the sink (the handle is still attached).
    func outcome(of code: CURLcode) -> CurlError? {
        if cancelRequested.load(ordering: .relaxed) { return Self.cancelled }
        guard code != CURLE_OK else { return nil }
        return easy?.options.error(for: code)
            ?? CurlError(code: CurlError.Code(curlCode: Int(code.rawValue)), curlCode: Int(code.rawValue), message: "transfer failed")
    }

    /// Tells the sink the transfer is over and lets go of it (the sink often holds the
    /// `CurlTransfer`, which holds this context: dropping the sink breaks that cycle). Runs after
    /// the handle left the multi handle, so the request's memory can go too.
    func complete(_ error: CurlError?) {
        phase = .finished
        hasEnded.store(true, ordering: .releasing)
        prepared?.release()
        prepared = nil
        if error == nil, !headDelivered { deliverHead() }
        let sink = self.sink
        self.sink = nil
        sink?.complete(error)
    }

    // MARK: Loop thread: flow control

    /// Lifts a pause the sink asked for. libcurl may hand back the bytes it held right inside
    /// `curl_easy_pause`, so the sink can be called (and pause again) before this returns.
    func resumeDelivery(at now: ContinuousClock.Instant) -> CurlError? {
        resumeQueued.store(false, ordering: .sequentiallyConsistent)
        guard phase == .running, isPausedBySink else { return nil }
        isPausedBySink = false
        idle?.restart(at: now)
        guard isPausedInCurl, let easy else { return nil }
        isPausedInCurl = false
        let code = curl_easy_pause(easy.raw, SY_CURLPAUSE_CONT)
        return code == CURLE_OK ? nil : easy.options.error(for: code)
    }

    /// From the idle check: `false` once no byte moved (either way) for the idle limit. A paused
    /// transfer never idles: its consumer is slow, not the server.
    func isWithinIdleLimit(at now: ContinuousClock.Instant) -> Bool {
        guard var watch = idle else { return true }
        defer { idle = watch }
        if isPausedBySink {
            watch.restart(at: now)
            return true
        }
        var uploaded: curl_off_t = 0
        if let easy { _ = sy_curl_easy_getinfo_off_t(easy.raw, CURLINFO_SIZE_UPLOAD_T, &uploaded) }
        return watch.noteProgress(uploaded: Int(uploaded), now: now)
    }

    // MARK: Loop thread: libcurl's callbacks

    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        idle?.bytesSeen &+= bytes.count
        guard !headDelivered else { return bytes.count }
        parser.consume(line: bytes)
        // Handed on at the head's blank line, not at the first body byte: a stream's consumer
        // can answer its own client while the upstream is still thinking.
        if parser.hasCompleteFinalHead, !cancelRequested.load(ordering: .relaxed) { deliverHead() }
        return bytes.count
    }

    /// Returns what libcurl expects from a write callback: the byte count, or
    /// `CURL_WRITEFUNC_PAUSE` to make it keep these bytes and stop reading.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if isPausedBySink {
            // None of these bytes reached the sink. libcurl keeps them and delivers them again
            // after `curl_easy_pause(CURLPAUSE_CONT)`, so nothing is lost or delivered twice.
            isPausedInCurl = true
            return SY_CURL_WRITEFUNC_PAUSE
        }
        idle?.bytesSeen &+= bytes.count
        guard !cancelRequested.load(ordering: .relaxed), let sink else { return bytes.count }
        if !headDelivered { deliverHead() }
        if sink.receive(body: bytes) == .pause { isPausedBySink = true }
        return bytes.count
    }

    private func deliverHead() {
        headDelivered = true
        let head = parser.head
        parser = ResponseHeadParser()
        sink?.receive(head: head)
    }

    static let cancelled = CurlError(code: .cancelled, curlCode: 0, message: "transfer cancelled")
}

/// libcurl's C callbacks for `CurlMultiClient` transfers: non-capturing closures (C function
/// pointers cannot capture) that find their `MultiTransferContext` through the user-data
/// pointer. Unretained on purpose: libcurl's own retain (see `MultiTransferContext`) covers them.
enum MultiTransferCallbacks {
    static let write: curl_write_callback = { data, size, count, userData in
        guard let userData else { return 0 }
        let context = Unmanaged<MultiTransferContext>.fromOpaque(userData).takeUnretainedValue()
        return context.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let header: curl_write_callback = { data, size, count, userData in
        guard let userData else { return 0 }
        let context = Unmanaged<MultiTransferContext>.fromOpaque(userData).takeUnretainedValue()
        return context.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    }
}
