import Hummingbird
import NIOCore

/// The management API's request context: Hummingbird's basic one plus the peer address, which
/// the key check needs to slow down repeated failures per client (SPEC §9).
struct ManagementRequestContext: RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
