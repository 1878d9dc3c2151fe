import Foundation
import Logging
import NIOCore

/// Serves `<state-dir>/control.sock`: one JSON `ControlRequest` per line, one
/// `ControlResponse` line back, as many as the client sends. A bad line gets an error answer
/// and the connection stays usable.
enum ControlServer {
    static func start(path: String, supervisor: Supervisor, logger: Logger) async throws -> UnixLineServer {
        try await UnixLineServer.start(path: path, maxLineBytes: ControlRequest.maxLineBytes, logger: logger) { lines, writer, _ in
            do {
                for try await line in lines {
                    let response: ControlResponse
                    do {
                        let request = try JSONDecoder().decode(ControlRequest.self, from: Data(line.readableBytesView))
                        response = await supervisor.handle(request)
                    } catch {
                        response = .failure(.invalid("malformed control request: \(error)"))
                    }
                    var bytes = (try? JSONEncoder().encode(response)) ?? Data(#"{"ok":false}"#.utf8)
                    bytes.append(UInt8(ascii: "\n"))
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
            } catch {
                logger.debug("control connection closed", metadata: ["error": "\(error)"])
            }
        }
    }
}
