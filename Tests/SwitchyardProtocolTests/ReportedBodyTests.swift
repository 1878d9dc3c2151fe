import XCTest

@testable import SwitchyardProtocol

/// A result line carries the upstream's body as text; however that body looks, the line stays
/// within the protocol's bound (a longer one would cost the worker its connection).
final class ReportedBodyTests: XCTestCase {
    func testPathologicalBodiesStillFitInOneLine() throws {
        let size = 256 * 1024
        let bodies: [(String, [UInt8])] = [
            ("control bytes", [UInt8](repeating: 0x01, count: size)),
            ("invalid UTF-8", [UInt8](repeating: 0xFF, count: size)),
            ("quotes", [UInt8](repeating: UInt8(ascii: "\""), count: size)),
            ("four-byte characters", Array(String(repeating: "🦀", count: size / 4).utf8)),
        ]
        for (name, bytes) in bodies {
            let text = ReportedBody.text(bytes)
            let line = WireCodec.encode(WorkerMessage.refreshResult(RefreshResult(
                requestID: "r1", accountID: "codex-000000000001", consumedTokenSHA256: String(repeating: "a", count: 64),
                httpStatus: 400, body: text)))
            XCTAssertLessThanOrEqual(line.readableBytes, WireCodec.maxLineBytes + 1, name)
            let decoded = try WireCodec.decodeWorkerMessage(line.readableBytesView.dropLast())
            guard case .refreshResult(let result) = decoded else { return XCTFail(name) }
            XCTAssertEqual(result.body, text, name)
        }
    }

    func testOrdinaryBodiesAreKeptWhole() {
        let body = #"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#
        XCTAssertEqual(ReportedBody.text(Array(body.utf8)), body)
        XCTAssertEqual(ReportedBody.text(Array("héllo\n".utf8), escapedLimit: 4), "hél", "cut at a character, by escaped size")
    }
}
