import Foundation
import NIOCore
import SwitchyardProtocol
import XCTest

final class WireCodecTests: XCTestCase {
    private func decodeError(_ line: String) -> ProtocolError? {
        do {
            _ = try WireCodec.decodeSupervisorMessage(Array(line.utf8))
            return nil
        } catch {
            return error
        }
    }

    func testProtocolVersionAndBound() {
        XCTAssertEqual(WireCodec.protocolVersion, 1)
        XCTAssertEqual(WireCodec.maxLineBytes, 1_048_576)
    }

    /// Lines that are not messages, and the reason logged for each.
    func testErrorClassification() {
        let cases: [(line: String, error: ProtocolError)] = [
            ("hello", .notJSON),
            ("", .notJSON),
            ("[1,2]", .notJSON),
            (#""ping""#, .notJSON),
            ("42", .notJSON),
            (#"{"type":"ping","seq":1"#, .notJSON),
            (#"{"seq":1}"#, .missingType),
            (#"{"type":null}"#, .missingType),
            (#"{"type":5}"#, .missingType),
            (#"{"type":"ping"}"#, .badField(type: "ping", reason: "missing seq")),
            (#"{"type":"ping","seq":-1}"#, .badField(type: "ping", reason: "a number does not fit its field")),
            (#"{"type":"ping","seq":1.5}"#, .badField(type: "ping", reason: "a number does not fit its field")),
            (#"{"type":"ping","seq":"1"}"#, .badField(type: "ping", reason: "seq is not an integer in range")),
            (#"{"type":"pool_reset","total":null}"#, .badField(type: "pool_reset", reason: "null total")),
            (
                #"{"type":"pool_upsert","accounts":[{"id":"a","access_token":"t"},{"id":"b"}]}"#,
                .badField(type: "pool_upsert", reason: "missing accounts[1].access_token")
            ),
            (#"{"type":"refresh_ack"}"#, .badField(type: "refresh_ack", reason: "missing request_id")),
            (#"{"type":"config","provider":"codex"}"#, .badField(type: "config", reason: "missing selection")),
        ]
        for testCase in cases {
            XCTAssertEqual(decodeError(testCase.line), testCase.error, testCase.line)
        }
    }

    func testInvalidUTF8IsReportedAsSuch() {
        let cases: [[UInt8]] = [
            Array(#"{"type":"ping","seq":1,"x":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            Array(#"{"type":"unknown_thing","x":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            [0xFE, 0xFF],
            Array(#"{"type":"ready","x":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // a UTF-16 surrogate
            Array(#"{"type":"ready","x":""#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8),  // truncated sequence
        ]
        for bytes in cases {
            XCTAssertThrowsError(try WireCodec.decodeWorkerMessage(bytes)) { error in
                XCTAssertEqual(error as? ProtocolError, .invalidUTF8, "\(bytes)")
            }
        }
    }

    func testErrorDescriptionsAreHuman() {
        XCTAssertEqual(ProtocolError.notJSON.description, "protocol line is not a JSON object")
        XCTAssertEqual(ProtocolError.missingType.description, "protocol message has no string \"type\" field")
        XCTAssertEqual(ProtocolError.invalidUTF8.description, "protocol line is not valid UTF-8")
        XCTAssertEqual(
            ProtocolError.badField(type: "ping", reason: "missing seq").description, "bad \"ping\" message: missing seq"
        )
    }

    func testUnknownTypesDecodeToUnknownAndFieldsAreIgnored() throws {
        XCTAssertEqual(
            try WireCodec.decodeSupervisorMessage(Array(#"{"type":"rotate_keys","keys":[1,2]}"#.utf8)),
            .unknown(type: "rotate_keys")
        )
        XCTAssertEqual(
            try WireCodec.decodeWorkerMessage(Array(#"{"type":"ping","seq":1}"#.utf8)),
            .unknown(type: "ping"),
            "a supervisor-bound type is unknown to the other direction"
        )
        XCTAssertEqual(
            try WireCodec.decodeSupervisorMessage(Array(#"{"type":"ping","seq":3,"added_later":{"a":1}}"#.utf8)),
            .ping(seq: 3)
        )
    }

    func testLinesHaveNoRawNewlineAndEndWithOne() {
        let lines = Fixtures.supervisorMessages.map { WireCodec.encode($0) }
            + Fixtures.workerMessages.map { WireCodec.encode($0) }
        for line in lines {
            let bytes = Array(line.readableBytesView)
            XCTAssertEqual(bytes.last, UInt8(ascii: "\n"))
            XCTAssertEqual(bytes.filter { $0 == UInt8(ascii: "\n") }.count, 1, String(buffer: line))
            XCTAssertFalse(bytes.contains(UInt8(ascii: "\r")), String(buffer: line))
        }
    }

    func testByteBufferAndCollectionOverloadsAgree() throws {
        let line = ByteBuffer(string: #"{"type":"stats","in_flight":2,"requests_total":5}"#)
        XCTAssertEqual(try WireCodec.decodeWorkerMessage(line), try WireCodec.decodeWorkerMessage(Array(line.readableBytesView)))
        XCTAssertEqual(try WireCodec.decodeWorkerMessage(line), .stats(WorkerStats(inFlight: 2, requestsTotal: 5)))
    }
}
