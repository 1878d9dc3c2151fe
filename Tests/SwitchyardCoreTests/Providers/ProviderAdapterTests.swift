import SwitchyardCore
import XCTest

final class ProviderAdapterTests: XCTestCase {
    func testRegistryHasOneAdapterPerProvider() {
        for provider in Provider.allCases {
            XCTAssertEqual(ProviderAdapters.adapter(for: provider).provider, provider)
        }
    }

    /// Every request of every adapter goes to the configured URL and carries the config's
    /// headers (SPEC §3), whatever the provider's defaults.
    func testEveryRequestUsesConfiguredURLsAndHeaders() {
        for provider in Provider.allCases {
            let adapter = ProviderAdapters.adapter(for: provider)
            let config = ProviderTestSupport.config(provider, headers: ["X-Test": "1", "content-type": "text/plain"])
            let refresh = adapter.refreshRequest(refreshToken: "rt", clientID: "c", clientSecret: "s", config: config)
            let usage = adapter.usageRequest(accessToken: "at", chatgptAccountID: "a", projectID: "p", config: config)
            XCTAssertEqual(refresh.url, config.tokenURL, "\(provider)")
            XCTAssertEqual(usage.url, config.usageURL, "\(provider)")
            for request in [refresh, usage] {
                XCTAssertEqual(request.header("x-test"), "1", "\(provider)")
                XCTAssertFalse(request.headers.contains { $0.0.lowercased() == "content-type" && $0.1 != "text/plain" })
            }
            XCTAssertEqual(refresh.header("Content-Type"), "text/plain", "\(provider)")
        }
    }

    /// Error text may end up in logs and `refresh_message`: it names fields, never values.
    func testErrorDescriptionsNeverContainBodyText() {
        let secret = "sk-ant-ort01-SECRET"
        let bodies = [
            #"{"refresh_token":"\#(secret)"}"#,
            #"{"five_hour":{"utilization":"\#(secret)"}}"#,
            #"{"rate_limit":{"primary_window":{"used_percent":"\#(secret)"}}}"#,
            #"{"buckets":[{"modelId":"m","resetTime":"\#(secret)"}]}"#,
            secret,
        ]
        for provider in Provider.allCases {
            let adapter = ProviderAdapters.adapter(for: provider)
            for body in bodies {
                let bytes = ProviderTestSupport.bytes(body)
                var errors: [ProviderParseError] = []
                do { _ = try adapter.parseTokenResponse(bytes, now: 0) } catch { errors.append(error) }
                do { _ = try adapter.parseUsage(bytes, now: 0) } catch { errors.append(error) }
                XCTAssertFalse(errors.isEmpty, "\(provider) \(body)")
                for error in errors {
                    XCTAssertFalse(error.description.contains("SECRET"), "\(provider) \(error)")
                    XCTAssertFalse(error.description.isEmpty)
                }
            }
        }
    }
}
