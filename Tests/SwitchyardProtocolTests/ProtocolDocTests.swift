import Foundation
import SwitchyardProtocol
import XCTest

/// docs/protocol.md shows an example line of every message; they must stay decodable.
final class ProtocolDocTests: XCTestCase {
    private var docURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/protocol.md")
    }

    /// The lines inside ```jsonl fences.
    private func exampleLines() throws -> [String] {
        let text = try String(contentsOf: docURL, encoding: .utf8)
        var lines: [String] = []
        var inExample = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inExample = line == "```jsonl"
            } else if inExample, !line.isEmpty {
                lines.append(String(line))
            }
        }
        return lines
    }

    func testEveryExampleDecodesAndEveryTypeHasOne() throws {
        var supervisorTypes: Set<String> = []
        var workerTypes: Set<String> = []
        for line in try exampleLines() {
            let bytes = Array(line.utf8)
            XCTAssertLessThan(bytes.count, WireCodec.maxLineBytes)
            let asSupervisor = try? WireCodec.decodeSupervisorMessage(bytes)
            let asWorker = try? WireCodec.decodeWorkerMessage(bytes)
            if let message = asSupervisor, message != .unknown(type: message.wireType) {
                supervisorTypes.insert(message.wireType)
            } else if let message = asWorker, message != .unknown(type: message.wireType) {
                workerTypes.insert(message.wireType)
            } else {
                XCTFail("example does not decode as a known message: \(line.prefix(80))")
            }
        }
        XCTAssertEqual(supervisorTypes, Set(Fixtures.supervisorMessages.map(\.wireType)))
        XCTAssertEqual(workerTypes, Set(Fixtures.workerMessages.map(\.wireType)))
    }
}
