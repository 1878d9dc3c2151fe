import ArgumentParser
import Foundation
import Logging

/// `switchyard-sim`: a stand-in for the Claude, Codex and Gemini upstreams (token, usage and
/// API endpoints) with per-account scripted behaviour, for Switchyard's tests and benchmarks.
@main
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard-sim",
        abstract: "Simulate the Claude, Codex and Gemini OAuth/API upstreams on one local HTTP server.",
        discussion: "Prints `listening HOST:PORT` on stdout once serving; SIGTERM or SIGINT stops it. "
            + "Script accounts through the admin API under /_sim.")

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (read it from the `listening` line).")
    var port = 0

    @Option(help: "Delay added to every token call, e.g. 0ms, 250ms, 1.5s.")
    var tokenLatency = "0ms"

    @Flag(help: "Register sample accounts per provider, some revoked upstream.")
    var demo = false

    @Option(help: ArgumentHelp("Implies --demo: write the sample accounts as Switchyard account files into DIR "
        + "(else they are printed as JSON lines after the `listening` line).", valueName: "DIR"))
    var demoDir: String?

    func validate() throws {
        guard TimeText.parseLatency(tokenLatency) != nil else {
            throw ValidationError("--token-latency: expected a duration such as 0ms, 250ms or 1.5s, got \"\(tokenLatency)\"")
        }
    }

    func run() async throws {
        // Logs must never reach stdout: its only line is `listening …` (then demo lines).
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let state = SimState()
        let demoLines = try await registerDemo(in: state)
        let latency = TimeText.parseLatency(tokenLatency) ?? .zero
        let server = SimServer(host: host, port: port, state: state, tokenLatency: latency)
        let host = self.host
        try await server.run { boundPort in
            writeStdout("listening \(host):\(boundPort)")
            for line in demoLines { writeStdout(line) }
        }
    }

    /// Registers the demo accounts (if asked) and returns the lines to print after `listening`:
    /// none when they went into `--demo-dir`, whose files exist before the line is printed.
    private func registerDemo(in state: SimState) async throws -> [String] {
        guard demo || demoDir != nil else { return [] }
        let files = try await Demo.register(in: state)
        guard let demoDir else { return files.map(\.text) }
        try Demo.write(files, to: demoDir)
        writeStderr("switchyard-sim: wrote \(files.count) demo accounts to \(demoDir)")
        return []
    }
}
