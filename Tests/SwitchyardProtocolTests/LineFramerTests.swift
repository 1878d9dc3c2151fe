import SwitchyardProtocol
import XCTest

final class LineFramerTests: XCTestCase {
    private func lines(_ framer: inout LineFramer) throws -> [String] {
        var out: [String] = []
        while let line = try framer.nextLine() { out.append(String(decoding: line, as: UTF8.self)) }
        return out
    }

    func testLinesSplitAcrossReadsByteByByte() throws {
        let input = Array("{\"type\":\"ping\",\"seq\":1}\n{\"type\":\"ready\"}\r\nlast\n".utf8)
        var framer = LineFramer()
        var got: [String] = []
        for byte in input {
            framer.append([byte])
            got += try lines(&framer)
        }
        XCTAssertEqual(got, [#"{"type":"ping","seq":1}"#, #"{"type":"ready"}"#, "last"])
        XCTAssertEqual(framer.bufferedByteCount, 0)
    }

    func testManyLinesInOneRead() throws {
        let expected = (0..<1000).map { #"{"type":"ping","seq":\#($0)}"# }
        var framer = LineFramer()
        framer.append(Array((expected.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(try lines(&framer), expected)
    }

    func testPartialLineWaitsForItsNewline() throws {
        var framer = LineFramer()
        framer.append(Array("one\ntw".utf8))
        XCTAssertEqual(try lines(&framer), ["one"])
        XCTAssertEqual(framer.bufferedByteCount, 2)
        framer.append(Array("o\n".utf8))
        XCTAssertEqual(try lines(&framer), ["two"])
    }

    /// Table of small-bound cases: input fed in one read → lines, or an error.
    func testBoundAndTerminatorRules() throws {
        let cases: [(input: String, lines: [String]?, note: String)] = [
            ("abcd\n", ["abcd"], "exactly the bound"),
            ("abcd\r\n", ["abcd"], "exactly the bound with CRLF"),
            ("abcde\n", nil, "bound + 1"),
            ("abcde\r\n", nil, "bound + 1 with CRLF"),
            ("a\r\nb\n", ["a", "b"], "CRLF and LF mixed"),
            ("a\rb\n", ["a\rb"], "a lone CR inside a line is content"),
            ("\n\n\r\nx\n\n", ["x"], "empty lines skipped"),
            ("abcd", [], "bound without newline still waits"),
            ("abcd\r", [], "bound + CR without newline still waits"),
            ("abcde", nil, "bound + 1 without newline fails early"),
        ]
        for testCase in cases {
            var framer = LineFramer(maxLineBytes: 4)
            framer.append(Array(testCase.input.utf8))
            if let expected = testCase.lines {
                XCTAssertEqual(try lines(&framer), expected, testCase.note)
            } else {
                XCTAssertThrowsError(try lines(&framer), testCase.note) { error in
                    XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 4), testCase.note)
                }
            }
        }
    }

    func testExactlyOneMiBLineIsAccepted() throws {
        var framer = LineFramer()
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20))
        XCTAssertNil(try framer.nextLine())
        framer.append(Array("\n".utf8))
        XCTAssertEqual(try framer.nextLine()?.count, 1 << 20)
    }

    func testOneMiBPlusOneLineIsRejected() {
        var framer = LineFramer()
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) + 1) + [UInt8(ascii: "\n")])
        XCTAssertThrowsError(try framer.nextLine()) { error in
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 1 << 20))
        }
    }

    /// A 2 MiB line arriving in 64 KiB reads fails as soon as the bound is passed, not at its end.
    func testTwoMiBLineIsRejectedEarly() {
        var framer = LineFramer()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var failedAtChunk: Int?
        for index in 0..<32 {
            framer.append(chunk)
            XCTAssertLessThanOrEqual(framer.bufferedByteCount, (1 << 20) + chunk.count)
            do {
                _ = try framer.nextLine()
            } catch {
                failedAtChunk = index
                break
            }
        }
        // 16 chunks are exactly 1 MiB, still acceptable; the 17th passes the bound.
        XCTAssertEqual(failedAtChunk, 16)
        XCTAssertEqual(framer.bufferedByteCount, 0, "a failed framer frees its buffer")
    }

    func testFramerIsSpentAfterAnError() {
        var framer = LineFramer(maxLineBytes: 4)
        framer.append(Array("toolong".utf8))
        XCTAssertThrowsError(try framer.nextLine())
        framer.append(Array("\nok\n".utf8))
        XCTAssertEqual(framer.bufferedByteCount, 0)
        XCTAssertThrowsError(try framer.nextLine()) { error in
            XCTAssertEqual(error as? FramingError, .lineTooLong(limit: 4))
        }
    }

    func testInvalidUTF8LineIsFramedAndThenRejectedByTheCodec() throws {
        var framer = LineFramer()
        framer.append([0x7B, 0xFF, 0xFE, 0x7D, 0x0A] + Array(#"{"type":"ready"}"#.utf8) + [0x0A])
        let bad = try XCTUnwrap(try framer.nextLine())
        XCTAssertThrowsError(try WireCodec.decodeWorkerMessage(bad)) { error in
            XCTAssertEqual(error as? ProtocolError, .invalidUTF8)
        }
        let good = try XCTUnwrap(try framer.nextLine())
        XCTAssertEqual(try WireCodec.decodeWorkerMessage(good), .ready)
    }

    func testErrorDescriptionNamesTheBound() {
        XCTAssertEqual(FramingError.lineTooLong(limit: 1 << 20).description, "protocol line longer than 1048576 bytes")
    }
}
