import Foundation
import Hummingbird
import Logging

/// One HTTP server for all three providers and the admin API.
struct SimServer: Sendable {
    let host: String
    let port: Int
    let state: SimState
    let tokenLatency: Duration

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        TokenRoutes(state: state, latency: tokenLatency).register(on: router)
        ClaudeRoutes(state: state).register(on: router)
        CodexRoutes(state: state).register(on: router)
        GeminiRoutes(state: state).register(on: router)
        AdminRoutes(state: state).register(on: router)
        return router
    }

    /// Serves until SIGTERM or SIGINT. `onListening` runs once with the bound port, before any
    /// request can have been answered.
    func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "switchyard-sim")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil, backlog: 4096),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
        try await app.runService()
    }
}

/// Writes straight to file descriptor 1, unbuffered: the `listening` line must reach a parent
/// reading our stdout pipe at once, and Swift 6 forbids touching C's `stdout` global.
func writeStdout(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func writeStderr(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
