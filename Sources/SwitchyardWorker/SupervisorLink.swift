import Logging
import NIOCore
import NIOPosix
import SwitchyardProtocol

/// The worker's connection to `<state-dir>/workers.sock`.
///
/// Messages in arrive through `messages` in order; the sequence ends when the supervisor
/// goes away (end of file), which the worker treats as "supervisor lost" (SPEC §1).
/// `send` may be called from any thread and never waits; lines go out in order, never
/// interleaved, coalesced when many are sent at once (`LineOutbox`).
struct SupervisorLink: Sendable {
    let messages: AsyncStream<SupervisorMessage>
    private let outbox: LineOutbox
    private let channel: any Channel

    /// False as soon as the connection's event loop has seen it close — which happens the
    /// moment the supervisor dies, well before anyone reads the message stream's end.
    var isActive: Bool { channel.isActive }

    static func connect(path: String, logger: Logger) async throws -> SupervisorLink {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(JSONLineFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (messages, continuation) = AsyncStream<SupervisorMessage>.makeStream()
        return await withCheckedContinuation { linkReady in
            Task {
                do {
                    try await channel.executeThenClose { inbound, _ in
                        linkReady.resume(returning: SupervisorLink(
                            messages: messages, outbox: LineOutbox(channel: channel.channel), channel: channel.channel))
                        for try await line in inbound {
                            do {
                                continuation.yield(try WireCodec.decodeSupervisorMessage(Array(line.readableBytesView)))
                            } catch {
                                logger.error("bad line from supervisor, ignored", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                } catch {
                    logger.warning("supervisor connection failed", metadata: ["error": "\(error)"])
                }
                continuation.finish()
            }
        }
    }

    func send(_ message: WorkerMessage) {
        outbox.send(WireCodec.encode(message))
    }

    /// Returns once everything sent so far is written (before the process exits).
    func written() async {
        await outbox.written()
    }
}
