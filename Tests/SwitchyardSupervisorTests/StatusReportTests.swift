import XCTest

@testable import SwitchyardCore
@testable import SwitchyardStore
@testable import SwitchyardSupervisor

/// The shape of `status --json` and `GET /v0/status` (SPEC §2): every key is present, unknown
/// values are `null`, never a missing key.
final class StatusReportTests: XCTestCase {
    private func encoded(_ report: StatusReport) throws -> [String: JSONValue] {
        try XCTUnwrap(JSONValue.encoding(report).objectValue)
    }

    func testUnknownValuesAreNullNotMissing() throws {
        let spawning = WorkerRow(provider: "codex", pid: nil, state: .starting, generation: 1, restarts: 0, listen: "127.0.0.1:8402")
        let report = StatusReport(
            pid: 42, uptimeSeconds: 0, config: "/etc/switchyard.yaml", management: nil,
            workers: [spawning], providers: ["codex": StateCounts()], problems: [])
        let fields = try encoded(report)
        XCTAssertEqual(Set(fields.keys), ["pid", "uptime_seconds", "config", "management", "workers", "providers", "problems"])
        XCTAssertEqual(fields["management"], .null)
        guard case .array(let rows)? = fields["workers"], case .object(let row)? = rows.first else {
            return XCTFail("workers: \(String(describing: fields["workers"]))")
        }
        XCTAssertEqual(Set(row.keys), ["provider", "pid", "state", "generation", "restarts", "listen"])
        XCTAssertEqual(row["pid"], .null)
        XCTAssertEqual(row["state"], .string("starting"))
    }

    func testKnownValuesAreWrittenAndReadBack() throws {
        let ready = WorkerRow(provider: "claude", pid: 4242, state: .ready, generation: 3, restarts: 1, listen: "[::1]:8401")
        let report = StatusReport(
            pid: 42, uptimeSeconds: 7, config: "c.yaml", management: "127.0.0.1:8400",
            workers: [ready], providers: [:], problems: [StoreProblem(file: "x.json", error: "bad")])
        let fields = try encoded(report)
        XCTAssertEqual(fields["management"], .string("127.0.0.1:8400"))
        XCTAssertEqual(fields["workers"]?.arrayValue?.first?["pid"], .int(4242))
        // The synthesized decoder reads what the hand-written encoder writes (the CLI decodes it).
        let data = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(StatusReport.self, from: data), report)
        let nulls = StatusReport(pid: 1, uptimeSeconds: 0, config: "", management: nil,
                                 workers: [WorkerRow(provider: "gemini", pid: nil, state: .starting, generation: 1, restarts: 0, listen: "")],
                                 providers: [:], problems: [])
        XCTAssertEqual(try JSONDecoder().decode(StatusReport.self, from: JSONEncoder().encode(nulls)), nulls)
    }
}
