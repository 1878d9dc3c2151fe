import NIOCore
import Synchronization

/// Lines going out on one JSON-lines connection, sent from any thread without waiting.
///
/// Lines queued while a write is pending go out together: one event-loop task, one flush
/// (one `writev`) for all of them. Under a burst of refreshes each result, acknowledgement
/// and pool update would otherwise cost a task hop, a wake-up and a system call of its own.
/// Order is kept: lines leave in the order `send` was called. Like the stream it replaces,
/// the queue is not bounded; the peer is our own worker or supervisor, which reads promptly.
public final class LineOutbox: Sendable {
    private let channel: any Channel
    private let state = Mutex<State>(State())

    private struct State {
        var queued: [ByteBuffer] = []
        var flushScheduled = false
        var finished = false
    }

    public init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues one line (its `\n` included). Ignored after `finish`.
    public func send(_ line: ByteBuffer) {
        let schedule = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.queued.append(line)
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        guard schedule else { return }
        channel.eventLoop.execute { self.flush() }
    }

    /// No line is sent after this; lines already queued still go out.
    public func finish() {
        state.withLock { $0.finished = true }
    }

    /// Returns once every line queued so far is written to the socket (or the connection
    /// failed): for a process about to exit.
    public func written() async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute { self.flush(promise: promise) }
        try? await promise.futureResult.get()
    }

    private func flush(promise: EventLoopPromise<Void>? = nil) {
        let lines = state.withLock { state -> [ByteBuffer] in
            state.flushScheduled = false
            defer { state.queued = [] }
            return state.queued
        }
        guard let last = lines.last else {
            promise?.succeed()
            return
        }
        for line in lines.dropLast() { channel.write(line, promise: nil) }
        channel.write(last, promise: promise)
        channel.flush()
    }
}
