import NIOCore
import SwitchyardCurl
import Synchronization

/// One upstream transfer as the request's task awaits it: libcurl's loop delivers the head,
/// body pieces and the end (`CurlTransferSink`); the handler takes them with `head()` and
/// `next()`. Bounded: past `highWater` buffered bytes the transfer is paused, and resumed once
/// the handler took them — a slow client slows the upstream instead of growing the worker.
///
/// The handler is woken only when there is something worth acting on: an answer whose length
/// is known, once it is complete (or a sizeable piece of it); a stream, at each piece; the
/// end. A short answer thus costs one wake-up, and the relay can write it in one go. The
/// handler's task runs on the loop that runs the transfer (`CurlMultiClient.executor`), so it
/// is resumed in place.
final class UpstreamExchange: CurlTransferSink, Sendable {
    enum Piece {
        case data([ByteBuffer])
        case end
        case failed(CurlError)
    }

    fileprivate struct State {
        var head: HTTPResponseHead?
        /// The head's `Content-Length`, when it has one.
        var expectedLength: Int?
        var received = 0
        var chunks: [ByteBuffer] = []
        var buffered = 0
        var paused = false
        var finished = false
        var error: CurlError?
        var waiter: CheckedContinuation<Void, Never>?

        /// The whole body is here, by its length (libcurl's own end follows a moment later).
        var complete: Bool { finished || (expectedLength.map { received >= $0 } ?? false) }

        /// Whether a waiting handler has something to act on.
        var worthWaking: Bool {
            if finished { return true }
            guard head != nil else { return false }
            if expectedLength != nil { return complete || buffered >= UpstreamExchange.wakeSize }
            return !chunks.isEmpty
        }
    }

    static let highWater = 256 * 1024
    /// A body with a known length wakes its handler in pieces this large, or when complete.
    static let wakeSize = 64 * 1024
    private static let allocator = ByteBufferAllocator()

    private let state = Mutex(State())
    private let transfer = Mutex<CurlTransfer?>(nil)

    init() {}

    /// Starts `request` on `client`, feeding this exchange.
    func start(_ request: SwitchyardCurl.HTTPRequest, on client: CurlMultiClient) {
        client.start(request, sink: self)
    }

    /// Called inside `start`, before libcurl can deliver anything: a pause must find its
    /// transfer to resume, even one that happens before `start` returned.
    func willStart(_ transfer: CurlTransfer) {
        self.transfer.withLock { $0 = transfer }
    }

    /// Ends the transfer early (client gone, attempt abandoned); `next()` then reports it.
    func cancel() {
        transfer.withLock { $0 }?.cancel()
    }

    // MARK: - libcurl's thread

    func receive(head: HTTPResponseHead) {
        let length = head.header("content-length").flatMap { Int($0) }
        wake(state.withLock { state in
            state.head = head
            state.expectedLength = length
            return state.worthWaking ? state.takeWaiter() : nil
        })
    }

    func receive(body: UnsafeRawBufferPointer) -> CurlFlow {
        let buffer = Self.allocator.buffer(bytes: body)
        let (waiter, pause) = state.withLock { state in
            state.chunks.append(buffer)
            state.buffered += buffer.readableBytes
            state.received += buffer.readableBytes
            if state.buffered >= Self.highWater { state.paused = true }
            return (state.worthWaking ? state.takeWaiter() : nil, state.paused)
        }
        wake(waiter)
        return pause ? .pause : .proceed
    }

    func complete(_ error: CurlError?) {
        wake(state.withLock { state in
            state.finished = true
            state.error = error
            return state.takeWaiter()
        })
    }

    private func wake(_ waiter: CheckedContinuation<Void, Never>?) {
        waiter?.resume()
    }

    // MARK: - The request handler

    /// The final response head (with the body, or its first piece, usually here too), or why
    /// none came.
    func head() async -> Result<HTTPResponseHead, CurlError> {
        await waitUntilWorthWaking()
        return state.withLock { state in
            if let head = state.head { return .success(head) }
            return .failure(state.error ?? CurlError(code: .other, curlCode: 0, message: "no response head"))
        }
    }

    /// Everything that arrived since the last call, or the end.
    func next() async -> Piece {
        while true {
            let (chunks, end) = takeAvailable()
            if !chunks.isEmpty { return .data(chunks) }
            if let end { return end }
            await waitUntilWorthWaking()
        }
    }

    /// What arrived so far without waiting, and whether the body already ended (nil while it
    /// runs). A short answer is usually complete by the time its head is read: the relay then
    /// writes it in one go instead of a write per piece.
    func takeAvailable() -> (chunks: [ByteBuffer], end: Piece?) {
        let (chunks, end, resume): ([ByteBuffer], Piece?, Bool) = state.withLock { state in
            let chunks = state.chunks
            state.chunks.removeAll(keepingCapacity: true)
            state.buffered = 0
            let resume = state.paused
            state.paused = false
            if let error = state.error { return (chunks, .failed(error), resume) }
            return (chunks, state.complete ? .end : nil, resume)
        }
        if resume { transfer.withLock { $0 }?.resume() }
        return (chunks, end)
    }

    /// The whole body (an error answer, a JSON answer to unwrap), cut at `limit` bytes.
    func collect(limit: Int) async -> Result<[UInt8], CurlError> {
        var body: [UInt8] = []
        while true {
            switch await next() {
            case .data(let chunks):
                for chunk in chunks where body.count < limit {
                    body.append(contentsOf: chunk.readableBytesView.prefix(limit - body.count))
                }
            case .end: return .success(body)
            case .failed(let error): return .failure(error)
            }
        }
    }

    /// Suspends until there is something to act on (checked under the lock, so no wake-up is
    /// lost). Cancelling the waiting task (its client hung up, `HangUpWatch`) cancels the
    /// transfer, whose end wakes the waiter like any end: one wake-up path, one resume. A task
    /// cancelled before it got here cancels the transfer at once.
    private func waitUntilWorthWaking() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.worthWaking { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            cancel()
        }
    }
}

extension UpstreamExchange.State {
    fileprivate mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
        defer { waiter = nil }
        return waiter
    }
}
