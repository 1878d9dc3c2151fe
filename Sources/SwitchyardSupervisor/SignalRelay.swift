import Dispatch
import Foundation
import Synchronization
import SwitchyardLogging

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM/SIGINT → drain and exit; SIGHUP → reload; SIGUSR1 → reopen the log (SPEC §1).
///
/// Created on the first line of `start`: start-up can take a while (the pending lock is
/// awaited up to drain-timeout, binds are retried for 5 s), and meanwhile the default actions
/// would kill the process on SIGHUP or SIGUSR1, and end it on SIGTERM with its pid file left
/// behind. Until `attach` there is no worker to drain and no socket file, so SIGTERM/SIGINT
/// end the start on the spot: pid file removed, the parent told, exit 0 as for any stop (the
/// store is crash-safe, and the kernel drops the locks). SIGHUP and SIGUSR1 are remembered
/// and carried out once the supervisor is attached.
///
/// Unchecked Sendable: `sources` is only appended to in `init`, then kept alive; the rest
/// is behind the mutex.
final class SignalRelay: @unchecked Sendable {
    private struct State {
        var supervisor: Supervisor?
        var pidFile: String?
        var reloadPending = false
        var reopenPending = false
    }

    private let state = Mutex(State())
    private let endStart: @Sendable (String) -> Void
    private var sources: [any DispatchSourceSignal] = []

    /// `endStart` tells whoever waits for the start why it ended; it must not block.
    init(endStart: @escaping @Sendable (String) -> Void) {
        self.endStart = endStart
        signal(SIGPIPE, SIG_IGN)
        relay(SIGTERM) { $0.stop("SIGTERM") }
        relay(SIGINT) { $0.stop("SIGINT") }
        relay(SIGHUP) { $0.reload() }
        relay(SIGUSR1) { $0.reopenLog() }
    }

    private func relay(_ number: Int32, _ action: @escaping @Sendable (SignalRelay) -> Void) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number)
        source.setEventHandler { action(self) }  // a cycle on purpose: the relay lives as long as the process
        source.resume()
        sources.append(source)
    }

    /// From now on the pid file is this process's to remove (call once the lock is held).
    func ownPIDFile(_ path: String) {
        state.withLock { $0.pidFile = path }
    }

    /// Hands the signals to `supervisor`, with whatever arrived before it existed.
    func attach(_ supervisor: Supervisor) {
        let (reload, reopen) = state.withLock { state in
            state.supervisor = supervisor
            defer { (state.reloadPending, state.reopenPending) = (false, false) }
            return (state.reloadPending, state.reopenPending)
        }
        if reopen { Task { await supervisor.reopenLog() } }
        if reload { Task { _ = await supervisor.reload() } }
    }

    private func stop(_ name: String) {
        state.withLock { state in
            if let supervisor = state.supervisor {
                Task { await supervisor.requestShutdown(name) }
                return
            }
            // Under the lock, so `attach` cannot let workers start while this exits.
            if let pidFile = state.pidFile { unlink(pidFile) }
            LogDestination.write("switchyard: stopped by \(name) during start-up\n")
            endStart("stopped by \(name) during start-up")
            _exit(0)
        }
    }

    private func reload() {
        let supervisor = state.withLock { state in
            if state.supervisor == nil { state.reloadPending = true }
            return state.supervisor
        }
        if let supervisor { Task { _ = await supervisor.reload() } }
    }

    private func reopenLog() {
        let supervisor = state.withLock { state in
            if state.supervisor == nil { state.reopenPending = true }
            return state.supervisor
        }
        if let supervisor { Task { await supervisor.reopenLog() } }
    }
}
