import CCurl

/// The state of one transfer, reached from libcurl's C callbacks through their user-data pointer.
///
/// Ownership: `CurlEasyHandle.perform` creates it, passes it with `Unmanaged.passUnretained` and
/// keeps it alive with `withExtendedLifetime` around `curl_easy_perform`; it resets the handle
/// right after, so libcurl never holds the pointer past the object's life. All callbacks run on
/// the thread inside `curl_easy_perform`, so the mutable state needs no lock.
final class TransferContext {
    private var parser = ResponseHeadParser()
    /// Set once the final head was handed on: at the first body byte, or at the end.
    private(set) var head: HTTPResponseHead?
    /// Collected only when there is no `onChunk`.
    private(set) var body: [UInt8] = []
    /// The caller's `onChunk` returned `false`.
    private(set) var abortedByCaller = false
    /// No byte moved for `idleTimeout`.
    private(set) var idleTimedOut = false
    private let onHeaders: ((HTTPResponseHead) -> Void)?
    private let onChunk: (([UInt8]) -> Bool)?
    private let cancellation: TransferCancellation?
    private var idle: IdleWatch?

    /// Without `onChunk` the body is buffered into `body`.
    init(
        onHeaders: ((HTTPResponseHead) -> Void)? = nil,
        onChunk: (([UInt8]) -> Bool)? = nil,
        cancellation: TransferCancellation? = nil
    ) {
        self.onHeaders = onHeaders
        self.onChunk = onChunk
        self.cancellation = cancellation
    }

    var isCancelled: Bool { cancellation?.isCancelled ?? false }

    /// Starts the idle clock; called right before the transfer.
    func watchIdle(_ timeout: Duration?) {
        idle = timeout.map { IdleWatch(limit: $0, lastActivity: .now) }
    }

    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        idle?.bytesSeen &+= bytes.count
        if head == nil { parser.consume(line: bytes) }
    }

    /// From the progress callback: whether to go on. Stops for a cancel, or when nothing moved
    /// (header, body or upload bytes) for the idle limit.
    func shouldContinue(uploaded: Int) -> Bool {
        if isCancelled { return false }
        guard var watch = idle else { return true }
        defer { idle = watch }
        if watch.noteProgress(uploaded: uploaded) { return true }
        idleTimedOut = true
        return false
    }

    /// Returns `false` to make libcurl abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        idle?.bytesSeen &+= bytes.count
        deliverHeadIfNeeded()
        guard let onChunk else {
            body.append(contentsOf: bytes)
            return true
        }
        if onChunk(Array(bytes)) { return true }
        abortedByCaller = true
        return false
    }

    /// Hands the head on if no body byte did yet (an empty body, `HEAD`), and returns it.
    @discardableResult
    func deliverHeadIfNeeded() -> HTTPResponseHead {
        if let head { return head }
        let finalHead = parser.head
        head = finalHead
        onHeaders?(finalHead)
        return finalHead
    }
}

/// libcurl's C callbacks. Non-capturing closures (C function pointers cannot capture), reaching
/// their `TransferContext` through the user-data pointer set next to them.
enum CurlCallbacks {
    /// `CURLOPT_WRITEFUNCTION`: returning anything but the byte count aborts the transfer.
    static let write: curl_write_callback = { data, size, count, userData in
        let length = size * count
        guard let userData else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
        return context.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    /// `CURLOPT_HEADERFUNCTION`: called once per header line, status line and blank line included.
    static let header: curl_write_callback = { data, size, count, userData in
        let length = size * count
        guard let userData else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
        context.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// `CURLOPT_XFERINFOFUNCTION`: a non-zero return aborts with `CURLE_ABORTED_BY_CALLBACK`.
    /// libcurl calls it at least about once a second, also while nothing arrives.
    static let progress: curl_xferinfo_callback = { userData, _, _, _, uploaded in
        guard let userData else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue()
        return context.shouldContinue(uploaded: Int(uploaded)) ? 0 : 1
    }
}
