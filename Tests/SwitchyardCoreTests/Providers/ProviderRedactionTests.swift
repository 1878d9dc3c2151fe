import SwitchyardCore
import XCTest

final class ProviderRedactionTests: XCTestCase {
    func testGrantDescriptionsHideTokens() {
        let grant = TokenGrant(
            accessToken: "AT-SECRET", refreshToken: "RT-SECRET", idToken: "ID-SECRET", expiresAt: 5, email: "e@x")
        for text in [String(describing: grant), String(reflecting: grant), "\(grant)", dumped(grant)] {
            XCTAssertFalse(text.contains("SECRET"), text)
            XCTAssertTrue(text.contains("e@x"), text)
        }
    }

    func testRequestDescriptionsHideHeaderValuesAndBody() {
        let request = ClaudeAdapter().refreshRequest(
            refreshToken: "RT-SECRET", clientID: "c", clientSecret: nil, config: ProviderTestSupport.config(.claude))
        let usage = ClaudeAdapter().usageRequest(
            accessToken: "AT-SECRET", chatgptAccountID: nil, projectID: nil,
            config: ProviderTestSupport.config(.claude))
        for text in [String(describing: request), dumped(request), "\(usage)", dumped(usage)] {
            XCTAssertFalse(text.contains("SECRET"), text)
            XCTAssertTrue(text.contains("http://127.0.0.1:9/claude/"), text)
        }
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
