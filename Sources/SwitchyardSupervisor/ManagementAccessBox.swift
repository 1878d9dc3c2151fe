import Synchronization
import SwitchyardCore

/// The management API's access rule in force. `management.key` is applied live (SPEC §3):
/// `reload` replaces the rule here and every request reads it afresh, so a new key takes
/// effect for the next request and an old one stops working at once.
final class ManagementAccessBox: Sendable {
    private let current: Mutex<ManagementAccess>

    init(_ access: ManagementAccess) { current = Mutex(access) }

    var access: ManagementAccess { current.withLock { $0 } }

    func replace(_ access: ManagementAccess) { current.withLock { $0 = access } }
}
