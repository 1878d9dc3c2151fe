extension CurlMultiClient {
    /// Buffered convenience for small calls (token refresh, quota, tests): the whole response.
    /// Any HTTP status is a response; only transport failures throw. Cancelling the awaiting task
    /// cancels the transfer within milliseconds and throws `CurlError` with code `.cancelled`.
    public func perform(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        if Task.isCancelled { throw MultiTransferContext.cancelled }
        let relay = CancellationRelay()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, CurlError>, Never>) in
                relay.attach(start(request, sink: BufferingTransferSink(continuation: continuation)))
            }
        } onCancel: {
            relay.cancel()
        }
        return try result.get()
    }
}

/// Collects a whole response for `perform` and resumes its continuation at the end. Its state is
/// touched only on the client's thread, after `start` handed it over.
final class BufferingTransferSink: CurlTransferSink, @unchecked Sendable {
    private let continuation: CheckedContinuation<Result<HTTPResponse, CurlError>, Never>
    private var head = HTTPResponseHead(status: 0, headers: [])
    private var body: [UInt8] = []

    init(continuation: CheckedContinuation<Result<HTTPResponse, CurlError>, Never>) {
        self.continuation = continuation
    }

    func receive(head: HTTPResponseHead) {
        self.head = head
    }

    func receive(body bytes: UnsafeRawBufferPointer) -> CurlFlow {
        body.append(contentsOf: bytes)
        return .proceed
    }

    func complete(_ error: CurlError?) {
        if let error {
            continuation.resume(returning: .failure(error))
        } else {
            continuation.resume(returning: .success(HTTPResponse(head: head, body: body)))
        }
    }
}

/// Carries a task's cancellation to a transfer that may not exist yet: the cancellation handler
/// can run before `start` returned.
final class CancellationRelay: Sendable {
    private let state = PosixMutex<(transfer: CurlTransfer?, cancelled: Bool)>((nil, false))

    func attach(_ transfer: CurlTransfer) {
        let cancelled = state.withLock { state in
            state.transfer = transfer
            return state.cancelled
        }
        if cancelled { transfer.cancel() }
    }

    func cancel() {
        let transfer = state.withLock { state in
            state.cancelled = true
            return state.transfer
        }
        transfer?.cancel()
    }
}
