import Dispatch
import Foundation
import Glibc
import Synchronization

/// Group commit for a worker's pending/ journal: records written while a flush is under way
/// wait for the next one and are made durable together (`PendingJournal.writeMany`), so many
/// refreshes finishing at once cost one file-system flush instead of two fsyncs each.
///
/// Removed records are kept as spares (see `PendingJournal`), at most `maximumSpares`, and
/// written again by later records.
///
/// The blocking work runs on a private serial queue, never on the caller's thread: callers
/// are tasks on Swift's cooperative pool, which has only as many threads as cores.
public final class PendingJournalWriter: Sendable {
    public let journal: PendingJournal
    private let queue = DispatchQueue(label: "switchyard.pending-journal")
    private let state = Mutex<State>(State())

    private struct Waiting {
        let data: Data
        let id: String
        let done: CheckedContinuation<Result<Void, FileStoreError>, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var flushing = false
        var spares: [String] = []
        var sparesNamed = 0
    }

    /// More spares than records written at once are never used; a worker makes at most
    /// refresh-concurrency calls at a time.
    static let maximumSpares = 1024
    /// Names this process's spares apart from those of other workers sharing pending/.
    private let spareTag: String

    public init(journal: PendingJournal, spareTag: String = String(getpid())) {
        self.journal = journal
        self.spareTag = spareTag
    }

    /// Returns once the record is durable in pending/ (or could not be made so).
    public func write(_ data: Data, id: String) async throws(FileStoreError) {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<Void, FileStoreError>, Never>) in
            let startFlush = state.withLock { state in
                state.waiting.append(Waiting(data: data, id: id, done: done))
                defer { state.flushing = true }
                return !state.flushing
            }
            if startFlush { queue.async { self.flush() } }
        }
        try result.get()
    }

    /// Removes a record on the journal's queue (not synced, see `PendingJournal`). Returns
    /// once it is gone.
    @discardableResult
    public func remove(id: String) async throws(FileStoreError) -> Bool {
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<Bool, FileStoreError>, Never>) in
            queue.async {
                let spare: String? = self.state.withLock { state in
                    guard state.spares.count < Self.maximumSpares else { return nil }
                    state.sparesNamed += 1
                    return PendingJournal.spareName(tag: self.spareTag, number: state.sparesNamed)
                }
                let result = Result { () throws(FileStoreError) in try self.journal.remove(id: id, keepingAs: spare) }
                if let spare, case .success(true) = result { self.state.withLock { $0.spares.append(spare) } }
                done.resume(returning: result)
            }
        }
        return try result.get()
    }

    /// Deletes this process's spares (before it exits); waits for work already queued.
    public func removeSpares() {
        queue.sync {
            state.withLock { $0.spares = [] }
            journal.removeSpares(tag: spareTag)
        }
    }

    /// Writes batches until no record waits; a record that arrives during a batch's flush
    /// is taken by the next turn of the loop.
    private func flush() {
        while true {
            let (batch, taken): ([Waiting], [String]) = state.withLock { state in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.flushing = false }
                let spares = state.spares.suffix(batch.count)
                state.spares.removeLast(spares.count)
                return (batch, Array(spares))
            }
            guard !batch.isEmpty else { return }
            var spares = taken
            let results = journal.writeMany(batch.map { ($0.data, $0.id) }, reusing: &spares)
            if !spares.isEmpty { state.withLock { $0.spares.append(contentsOf: spares) } }
            for (waiting, result) in zip(batch, results) { waiting.done.resume(returning: result) }
        }
    }
}
