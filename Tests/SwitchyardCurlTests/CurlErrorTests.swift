import XCTest
@testable import SwitchyardCurl

final class CurlErrorTests: XCTestCase {
    func testCodeFromCurlCode() {
        let cases: [(Int, CurlError.Code)] = [
            (1, .unsupportedProtocol), (3, .malformedURL), (5, .couldNotResolveProxy), (6, .couldNotResolveHost),
            (7, .couldNotConnect), (8, .weirdServerReply), (16, .http2), (18, .partialBody), (28, .timedOut),
            (35, .tlsConnectFailed), (52, .emptyReply), (55, .sendFailed), (56, .receiveFailed),
            (60, .peerVerificationFailed), (92, .http2), (97, .proxyFailure), (27, .initFailed),
            (0, .other), (23, .other), (9999, .other),
        ]
        for (raw, expected) in cases {
            XCTAssertEqual(CurlError.Code(curlCode: raw), expected, "CURLcode \(raw)")
        }
    }

    func testDescriptionCarriesCodeAndMessage() {
        let error = CurlError(code: .couldNotConnect, curlCode: 7, message: "Failed to connect to 127.0.0.1 port 9")
        XCTAssertEqual(error.description, "curl error 7 (couldNotConnect): Failed to connect to 127.0.0.1 port 9")
    }
}
