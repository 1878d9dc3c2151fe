import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProtocol

/// Serves `<state-dir>/workers.sock`: authenticates each worker by its `hello`, then relays
/// lines both ways between that connection and the `Supervisor`.
///
/// Whatever arrives — garbage, a wrong token, a 2 MiB line — costs at most that one
/// connection, closed with a logged reason; the supervisor itself never fails on input.
enum WorkerHub {
    static func start(path: String, supervisor: Supervisor, logger: Logger) async throws -> UnixLineServer {
        try await UnixLineServer.start(path: path, logger: logger) { lines, _, channel in
            await serve(lines: lines, channel: channel, supervisor: supervisor, logger: logger)
        }
    }

    private static func serve(lines: UnixLineServer.Lines, channel: any Channel, supervisor: Supervisor, logger: Logger) async {
        var iterator = lines.makeAsyncIterator()
        let first: ByteBuffer?
        do {
            first = try await iterator.next()
        } catch {
            logger.error("worker connection closed: \(error)")
            return
        }
        guard let first else { return }
        guard case .hello(let hello)? = try? WireCodec.decodeWorkerMessage(Array(first.readableBytesView)) else {
            logger.error("worker connection closed: the first line is not a hello")
            return
        }
        let outbox = LineOutbox(channel: channel)
        guard let (provider, number) = await supervisor.hello(hello, outbox: outbox) else { return }
        await relay(&iterator, provider: provider, number: number, supervisor: supervisor, logger: logger)
        await supervisor.disconnected(provider, number)
        outbox.finish()
    }

    private static func relay(_ iterator: inout UnixLineServer.Lines.AsyncIterator, provider: Provider, number: Int,
                              supervisor: Supervisor, logger: Logger) async {
        let metadata: Logger.Metadata = ["provider": "\(provider.rawValue)", "generation": "\(number)"]
        do {
            while let line = try await iterator.next() {
                let message: WorkerMessage
                do {
                    message = try WireCodec.decodeWorkerMessage(Array(line.readableBytesView))
                } catch {
                    logger.error("worker connection closed: \(error)", metadata: metadata)
                    return
                }
                await supervisor.received(message, from: provider, number)
            }
        } catch {
            logger.error("worker connection closed: \(error)", metadata: metadata)
        }
    }
}
