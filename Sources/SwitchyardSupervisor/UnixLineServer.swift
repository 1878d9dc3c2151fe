import Logging
import NIOCore
import NIOPosix
import SwitchyardProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A Unix-domain socket server whose connections speak JSON lines (at most 1 MiB a line).
/// Used for `workers.sock` and `control.sock`; the socket file is made mode 0600.
///
/// Each connection is handed to `handler` with its line stream and a writer; the connection
/// closes when the handler returns. A framing error (an oversized line) ends the line
/// stream with an error: the handler logs it and returns, and only that connection closes.
final class UnixLineServer: Sendable {
    typealias Lines = NIOAsyncChannelInboundStream<ByteBuffer>
    typealias Writer = NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// The channel is given too, for writers that bypass the async writer (`LineOutbox`).
    typealias Handler = @Sendable (Lines, Writer, any Channel) async -> Void

    private let channel: any Channel
    let path: String

    private init(channel: any Channel, path: String) {
        self.channel = channel
        self.path = path
    }

    /// Binds `path`, replacing a stale socket file. The caller holds the state-dir lock, so
    /// the file cannot belong to a live supervisor.
    static func start(
        path: String, maxLineBytes: Int = WireCodec.maxLineBytes, logger: Logger, handler: @escaping Handler
    ) async throws -> UnixLineServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, serverBackPressureStrategy: nil) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(JSONLineFrameDecoder(maxLineBytes: maxLineBytes)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        chmod(path, 0o600)
        Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask {
                                do {
                                    let channel = connection.channel
                                    try await connection.executeThenClose { lines, writer in
                                        await handler(lines, writer, channel)
                                    }
                                } catch {
                                    logger.debug("connection closed", metadata: ["error": "\(error)"])
                                }
                            }
                        }
                    }
                } catch {
                    logger.debug("socket server ended", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
        }
        return UnixLineServer(channel: server.channel, path: path)
    }

    /// Stops accepting and removes the socket file.
    func close() async {
        try? await channel.close()
        unlink(path)
    }
}
