import SwitchyardCore
import XCTest

final class HostPortTests: XCTestCase {
    func testParse() {
        let table: [(String, String, Int)] = [
            ("127.0.0.1:8401", "127.0.0.1", 8401), ("[::1]:8401", "::1", 8401), ("localhost:0", "localhost", 0),
            ("0.0.0.0:65535", "0.0.0.0", 65535), ("example.com:80", "example.com", 80),
            ("[fe80::1%eth0]:9", "fe80::1%eth0", 9),
        ]
        for (text, host, port) in table {
            XCTAssertEqual(HostPort.parse(text), HostPort(host: host, port: port), text)
        }
    }

    func testRejected() {
        for text in ["", "abc", "8401", ":8401", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:8401",
                     "[::1]8401", "[]:1", "[127.0.0.1]:1", "host name:1", "127.0.0.1:84a1", "127.0.0.1:000080"] {
            XCTAssertNil(HostPort.parse(text), text)
        }
    }

    func testIsLoopback() {
        let table: [(String, Bool)] = [
            ("127.0.0.1:1", true), ("127.1.2.3:1", true), ("localhost:1", true), ("LOCALHOST:1", true),
            ("[::1]:1", true), ("0.0.0.0:1", false), ("[::]:1", false), ("10.0.0.1:1", false),
            ("example.com:1", false), ("127.example.com:1", false), ("127.0.0.256:1", false),
        ]
        for (text, loopback) in table {
            XCTAssertEqual(HostPort.parse(text)?.isLoopback, loopback, text)
        }
    }

    func testDescriptionRoundTrips() {
        for text in ["127.0.0.1:8401", "[::1]:8401", "localhost:0"] {
            XCTAssertEqual(HostPort.parse(text)?.description, text)
        }
    }
}
