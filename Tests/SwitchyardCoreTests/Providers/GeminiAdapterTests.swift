import SwitchyardCore
import XCTest

final class GeminiAdapterTests: XCTestCase {
    private let adapter = GeminiAdapter()
    private let now = ProviderTestSupport.now

    func testRefreshRequestIsPercentEncodedForm() {
        let request = adapter.refreshRequest(
            refreshToken: "1//0gAb-c_d+e/f=g h&i", clientID: "123-abc.apps.googleusercontent.com",
            clientSecret: "GOCSPX-x+y/z=", config: ProviderTestSupport.config(.gemini))
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "http://127.0.0.1:9/gemini/token")
        XCTAssertEqual(
            ProviderTestSupport.lines(request.headers),
            ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"])
        XCTAssertEqual(
            ProviderTestSupport.text(request.body),
            "client_id=123-abc.apps.googleusercontent.com&client_secret=GOCSPX-x%2By%2Fz%3D"
                + "&grant_type=refresh_token&refresh_token=1%2F%2F0gAb-c_d%2Be%2Ff%3Dg%20h%26i")
    }

    func testRefreshWithoutSecretOmitsIt() {
        let request = adapter.refreshRequest(
            refreshToken: "rt", clientID: "cid", clientSecret: nil, config: ProviderTestSupport.config(.gemini))
        XCTAssertEqual(
            ProviderTestSupport.text(request.body), "client_id=cid&grant_type=refresh_token&refresh_token=rt")
    }

    func testUsageRequestPostsTheProject() {
        let config = ProviderTestSupport.config(.gemini, headers: ["User-Agent": "GeminiCLI/1"])
        let request = adapter.usageRequest(
            accessToken: "ya29.x", chatgptAccountID: nil, projectID: "proj-1", config: config)
        XCTAssertEqual(
            request,
            UpstreamRequest(
                method: "POST", url: "http://127.0.0.1:9/gemini/usage",
                headers: [
                    ("Authorization", "Bearer ya29.x"), ("Content-Type", "application/json"),
                    ("Accept", "application/json"), ("User-Agent", "GeminiCLI/1"),
                ],
                body: Array(#"{"project":"proj-1"}"#.utf8)))
        let withoutProject = adapter.usageRequest(
            accessToken: "a", chatgptAccountID: nil, projectID: nil, config: config)
        XCTAssertEqual(ProviderTestSupport.text(withoutProject.body), "{}")
    }

    /// Google's refresh token does not rotate: even an echoed one is not a new token.
    func testTokenResponseNeverCarriesARefreshToken() throws {
        let idToken = ProviderTestSupport.jwt(#"{"sub":"1234","email":"g@example.com"}"#)
        let cases: [(String, TokenGrant)] = [
            (
                #"{"access_token":"ya29.a","expires_in":3599,"scope":"s","token_type":"Bearer"}"#,
                TokenGrant(accessToken: "ya29.a", expiresAt: now + 3599)
            ),
            (
                #"{"access_token":"ya29.b","refresh_token":"1//echo","expires_in":3599,"id_token":"\#(idToken)"}"#,
                TokenGrant(accessToken: "ya29.b", idToken: idToken, expiresAt: now + 3599, email: "g@example.com")
            ),
        ]
        for (body, expected) in cases {
            XCTAssertEqual(try adapter.parseTokenResponse(ProviderTestSupport.bytes(body), now: now), expected, body)
        }
    }

    func testUsageOneWindowPerBucket() throws {
        let body = """
            {"buckets":[
              {"modelId":"gemini-2.5-pro","remainingFraction":0.8,"resetTime":"2025-10-22T16:01:15Z",
               "tokenType":"REQUESTS"},
              {"modelId":"gemini-2.5-flash","remainingFraction":1,"resetTime":"2025-10-22T16:01:15.5Z"},
              {"modelId":"gemini-2.0-flash","resetTime":"2025-10-22T16:01:15Z","tokenType":"TOKENS"}
            ]}
            """
        let windows = try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now)
        XCTAssertEqual(windows.count, 3)
        let expected = [
            QuotaWindow(name: "requests", model: "gemini-2.5-pro", usedPercent: 20, resetsAt: 1_761_148_875),
            QuotaWindow(name: "requests", model: "gemini-2.5-flash", usedPercent: 0, resetsAt: 1_761_148_876),
            // proto3 JSON omits a zero remainingFraction: the bucket is exhausted.
            QuotaWindow(name: "tokens", model: "gemini-2.0-flash", usedPercent: 100, resetsAt: 1_761_148_875),
        ]
        for (window, want) in zip(windows, expected) {
            XCTAssertEqual(window.name, want.name)
            XCTAssertEqual(window.model, want.model)
            XCTAssertEqual(window.usedPercent, want.usedPercent, accuracy: 1e-9)
            XCTAssertEqual(window.resetsAt, want.resetsAt)
        }
    }

    func testUsageWithoutBucketsHasNoWindows() throws {
        for body in ["{}", #"{"buckets":[]}"#, #"{"buckets":null}"#] {
            XCTAssertEqual(try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now), [], body)
        }
    }

    func testMalformedUsageThrowsTypedErrors() {
        let cases: [(String, ProviderParseError)] = [
            ("", .notJSON),
            ("[]", .notAnObject),
            (#"{"buckets":{}}"#, .invalidField("buckets")),
            (#"{"buckets":[{"remainingFraction":0.5},"x"]}"#, .invalidField("buckets[1]")),
            (#"{"buckets":[{"remainingFraction":"0.5"}]}"#, .invalidField("buckets[0].remainingFraction")),
            (#"{"buckets":[{"remainingFraction":0.5,"resetTime":"3h"}]}"#, .invalidField("buckets[0].resetTime")),
            (#"{"buckets":[{"remainingFraction":0.5,"modelId":7}]}"#, .invalidField("buckets[0].modelId")),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(try adapter.parseUsage(ProviderTestSupport.bytes(body), now: now), body) {
                XCTAssertEqual($0 as? ProviderParseError, expected, body)
            }
        }
    }
}
