import Foundation
import SwitchyardLogging

#if canImport(Glibc)
import Glibc
#endif

/// Test-only switch that kills the supervisor at a named step, so tests can reach the
/// dangerous moments of SPEC §6.6 (a rotated token between upstream and store) on purpose.
/// Set `SWITCHYARD_CRASH_AT=<step>` (optionally `<step>:<n>` for the n-th time); unset in
/// production, where every check is one dictionary lookup done once.
enum CrashPoint: String {
    /// A refresh result arrived; nothing of it is stored yet.
    case refreshBeforeStore = "refresh-before-store"
    /// The store holds the new tokens; the worker has not been acknowledged.
    case refreshAfterStore = "refresh-after-store"
    /// Pending records were read at start-up; none is applied yet.
    case recoveryBeforeApply = "recovery-before-apply"

    private static let armed: (CrashPoint, Int)? = {
        guard let value = ProcessInfo.processInfo.environment["SWITCHYARD_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard let point = CrashPoint(rawValue: String(parts[0])) else { return nil }
        return (point, parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()
    nonisolated(unsafe) private static var hits = 0

    /// Dies with SIGKILL — no cleanup, like a power cut — when this point is armed.
    /// Called from the supervisor actor only.
    func reached() {
        guard let (point, count) = Self.armed, point == self else { return }
        Self.hits += 1
        if Self.hits >= count {
            LogDestination.write("crash point \(rawValue) reached: SIGKILL\n")
            kill(getpid(), SIGKILL)
        }
    }
}
