import NIOCore
import Synchronization

/// Learns when a client goes away while its response streams, so the upstream transfer is
/// cancelled at once instead of at the next write that fails (an upstream can stay silent
/// for minutes while a model thinks).
///
/// `HangUpHandler` sits in each connection's pipeline and reports end of input or close;
/// the request handler registers what to do (`HangUpWatch.onHangUp`) for as long as its
/// stream runs. A connection serves one request at a time, so one action per connection.
final class HangUpRegistry: Sendable {
    private struct Entry {
        var action: (@Sendable () -> Void)?
        var hungUp = false
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    init() {}

    func watch(_ channel: any Channel) -> HangUpWatch { HangUpWatch(registry: self, id: ObjectIdentifier(channel)) }

    func makeHandler() -> HangUpHandler { HangUpHandler(registry: self) }

    fileprivate func set(_ id: ObjectIdentifier, _ action: (@Sendable () -> Void)?) {
        let runNow: (@Sendable () -> Void)? = entries.withLock { entries in
            if action == nil {
                if entries[id]?.hungUp != true { entries[id] = nil } else { entries[id]?.action = nil }
                return nil
            }
            if entries[id]?.hungUp == true { return action }
            entries[id, default: Entry()].action = action
            return nil
        }
        runNow?()
    }

    fileprivate func hungUp(_ id: ObjectIdentifier, closed: Bool) {
        let action: (@Sendable () -> Void)? = entries.withLock { entries in
            let action = entries[id]?.action
            if closed { entries[id] = nil } else { entries[id] = Entry(action: nil, hungUp: true) }
            return action
        }
        action?()
    }
}

/// One request's view of its connection's hang-ups.
struct HangUpWatch: Sendable {
    let registry: HangUpRegistry
    let id: ObjectIdentifier

    /// Runs `action` when the client goes away (at once if it already has).
    func onHangUp(_ action: @escaping @Sendable () -> Void) { registry.set(id, action) }

    func clear() { registry.set(id, nil) }
}

/// Reports a client's end of input or the connection's close to the registry.
final class HangUpHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let registry: HangUpRegistry

    init(registry: HangUpRegistry) { self.registry = registry }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { registry.hungUp(ObjectIdentifier(context.channel), closed: false) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry.hungUp(ObjectIdentifier(context.channel), closed: true)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension HangUpHandler: Sendable {}
