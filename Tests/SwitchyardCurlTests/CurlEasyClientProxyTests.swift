import Foundation
import XCTest
@testable import SwitchyardCurl

/// Requests through a proxy: the test server plays the proxy and answers itself.
final class CurlEasyClientProxyTests: XCTestCase {
    func testHTTPProxyReceivesAbsoluteFormRequest() throws {
        let proxy = try TestHTTPServer.canned { request in TestResponse(body: Array(request.target.utf8)) }
        defer { proxy.stop() }
        let request = HTTPRequest(url: "http://upstream.invalid/v1/messages", timeout: .seconds(5), proxyURL: proxy.baseURL)
        let response = try CurlEasyClient().perform(request)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "http://upstream.invalid/v1/messages")
    }

    /// `socks5h` hands the name to the proxy; `socks5` resolves it locally and sends the address.
    func testSocks5ProxiesResolveNamesWhereTheSchemeSays() throws {
        let cases: [(scheme: String, expected: TestConnection.Socks5Target)] = [
            ("socks5h", .init(addressType: 3, host: "localhost", port: 8080)),
            ("socks5", .init(addressType: 1, host: "127.0.0.1", port: 8080)),
        ]
        for testCase in cases {
            let targets = TargetLog()
            let proxy = try TestHTTPServer { connection in
                guard let target = connection.acceptSocks5() else { return }
                targets.append(target)
                while let request = connection.readRequest() {
                    connection.send(TestResponse(body: Array("tunnelled \(request.target)".utf8)))
                }
            }
            defer { proxy.stop() }
            let request = HTTPRequest(
                url: "http://localhost:8080/models", timeout: .seconds(5),
                proxyURL: "\(testCase.scheme)://127.0.0.1:\(proxy.port)"
            )
            let response = try CurlEasyClient().perform(request)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "tunnelled /models", testCase.scheme)
            XCTAssertEqual(targets.all, [testCase.expected], testCase.scheme)
        }
    }

    func testUnreachableProxyIsAConnectError() throws {
        let refusing = try TestSocket.refusingLoopbackPort()
        defer { close(refusing.fd) }
        let request = HTTPRequest(url: "http://upstream.invalid/", timeout: .seconds(5), proxyURL: "http://127.0.0.1:\(refusing.port)")
        XCTAssertThrowsError(try CurlEasyClient().perform(request)) { error in
            XCTAssertEqual((error as? CurlError)?.code, .couldNotConnect)
        }
    }
}

private final class TargetLog: @unchecked Sendable {
    private let lock = NSLock()
    private var targets: [TestConnection.Socks5Target] = []

    func append(_ target: TestConnection.Socks5Target) { lock.withLock { targets.append(target) } }
    var all: [TestConnection.Socks5Target] { lock.withLock { targets } }
}
