import Foundation
import XCTest
@testable import SwitchyardCurl

/// A `CurlTransferSink` that records what it is told and checks the sink contract as it goes:
/// `willStart` first, head before body, nothing after `complete`, no body while paused, every
/// other call on one thread.
final class RecordingSink: CurlTransferSink, @unchecked Sendable {
    typealias Flow = @Sendable (_ sink: RecordingSink, _ chunkIndex: Int) -> CurlFlow

    let headReceived = DispatchSemaphore(value: 0)
    let firstBodyReceived = DispatchSemaphore(value: 0)
    let completed = DispatchSemaphore(value: 0)

    private let lock = NSLock()
    private let flow: Flow
    /// Runs (on the client's thread) after a `.pause` was decided and recorded.
    private let onPause: (@Sendable (RecordingSink) -> Void)?
    private var recordedHead: HTTPResponseHead?
    private var recordedBody: [UInt8] = []
    private var chunks = 0
    private var pauses = 0
    private var recordedError: CurlError?
    private var isComplete = false
    private var awaitingResume = false
    private var recordedViolations: [String] = []
    private var threads: Set<UInt> = []
    private var storedTransfer: CurlTransfer?
    private var didStart = false

    init(flow: @escaping Flow = { _, _ in .proceed }, onPause: (@Sendable (RecordingSink) -> Void)? = nil) {
        self.flow = flow
        self.onPause = onPause
    }

    /// Pauses after every chunk (or at random) and resumes from another thread soon after.
    static func pausing(randomly: Bool = false, resumeOn queue: DispatchQueue) -> RecordingSink {
        RecordingSink(
            flow: { _, _ in randomly && Bool.random() ? .proceed : .pause },
            onPause: { sink in queue.async { sink.resumeFromConsumer() } }
        )
    }

    var transfer: CurlTransfer? {
        get { lock.withLock { storedTransfer } }
        set { lock.withLock { storedTransfer = newValue } }
    }

    /// Runs on the test's thread, inside `start` (so not recorded as a calling thread).
    func willStart(_ transfer: CurlTransfer) {
        lock.withLock {
            if didStart { recordedViolations.append("second willStart") }
            didStart = true
            storedTransfer = transfer
        }
    }

    /// What a consumer does once it caught up: clear the pause, then ask for more.
    func resumeFromConsumer() {
        let transfer = lock.withLock {
            awaitingResume = false
            return storedTransfer
        }
        transfer?.resume()
    }

    // MARK: CurlTransferSink

    func receive(head: HTTPResponseHead) {
        record { state in
            if state.recordedHead != nil { state.recordedViolations.append("second head") }
            if state.isComplete { state.recordedViolations.append("head after complete") }
            state.recordedHead = head
        }
        headReceived.signal()
    }

    func receive(body: UnsafeRawBufferPointer) -> CurlFlow {
        let index = record { state -> Int in
            if state.recordedHead == nil { state.recordedViolations.append("body before head") }
            if state.isComplete { state.recordedViolations.append("body after complete") }
            if state.awaitingResume { state.recordedViolations.append("body while paused") }
            state.recordedBody.append(contentsOf: body)
            state.chunks += 1
            return state.chunks - 1
        }
        if index == 0 { firstBodyReceived.signal() }
        let decision = flow(self, index)
        if decision == .pause {
            record { state in
                state.awaitingResume = true
                state.pauses += 1
            }
            onPause?(self)
        }
        return decision
    }

    func complete(_ error: CurlError?) {
        record { state in
            if state.isComplete { state.recordedViolations.append("second complete") }
            if error == nil, state.recordedHead == nil { state.recordedViolations.append("complete(nil) without head") }
            state.isComplete = true
            state.recordedError = error
            state.storedTransfer = nil
        }
        completed.signal()
    }

    // MARK: Reading

    var head: HTTPResponseHead? { lock.withLock { recordedHead } }
    var body: [UInt8] { lock.withLock { recordedBody } }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var error: CurlError? { lock.withLock { recordedError } }
    var isCompleted: Bool { lock.withLock { isComplete } }
    var chunkCount: Int { lock.withLock { chunks } }
    var pauseCount: Int { lock.withLock { pauses } }
    var violations: [String] { lock.withLock { recordedViolations } }
    /// How many threads called the sink (should be exactly the client's one).
    var callingThreads: Set<UInt> { lock.withLock { threads } }

    /// Waits for `complete`; `false` on timeout.
    func waitForCompletion(timeout: TimeInterval = 30) -> Bool {
        completed.wait(timeout: .now() + timeout) == .success
    }

    private func record<T>(_ body: (RecordingSink) -> T) -> T {
        lock.withLock {
            threads.insert(UInt(pthread_self()))
            if !didStart { recordedViolations.append("event before willStart") }
            return body(self)
        }
    }
}

/// Checks what every transfer must satisfy, whatever its outcome.
func assertSinkContract(_ sink: RecordingSink, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(sink.violations, [], "sink contract", file: file, line: line)
    XCTAssertEqual(sink.callingThreads.count, 1, "every call on the client's one thread", file: file, line: line)
    XCTAssertFalse(sink.callingThreads.contains(UInt(pthread_self())), "not on the test's thread", file: file, line: line)
}

/// A cancelled `perform` must end with `CurlError.cancelled`, never a response.
func assertEndsCancelled<T: Sendable>(_ task: Task<T, any Error>, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await task.value
        XCTFail("a cancelled transfer must not succeed", file: file, line: line)
    } catch {
        XCTAssertEqual((error as? CurlError)?.code, .cancelled, file: file, line: line)
    }
}
