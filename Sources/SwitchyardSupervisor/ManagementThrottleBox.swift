import NIOCore
import Synchronization
import SwitchyardCore

/// The management API's `FailureThrottle`, shared by all connections. The lock is held only to
/// count a failure; the wait itself happens outside it, in the request's own task.
final class ManagementThrottleBox: Sendable {
    private let throttle = Mutex(FailureThrottle())
    private let origin = ContinuousClock.now

    /// Counts a refused key from `peer`; returns how long to wait before answering, and
    /// whether this is the failure that starts the slowing down (worth one log line).
    func failure(from peer: SocketAddress?) -> (client: String, delay: Duration, firstSlowed: Bool)? {
        guard let client = peer.flatMap(Self.client) else { return nil }
        let now = ContinuousClock.now - origin
        return throttle.withLock { throttle in
            let delay = throttle.failure(from: client, at: now)
            let first = delay > .zero && throttle.score(of: client, at: now) == throttle.policy.freeFailures + 1
            return (client, delay, first)
        }
    }

    private static func client(_ address: SocketAddress) -> String? {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { FailureThrottle.client(addressBytes: Array($0)) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { FailureThrottle.client(addressBytes: Array($0)) }
        case .unixDomainSocket:
            return nil
        }
    }
}
