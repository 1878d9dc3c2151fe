import SwitchyardCore
import XCTest

final class ConfigRedactionTests: XCTestCase {
    func testSecretsNeverAppearInDescriptions() {
        var config = SwitchyardConfig.defaults(configDirectory: "/srv/sy/etc")
        config.clientKeys = ["client-key-one"]
        config.management.key = "management-key"
        config.postgresURL = "postgres://u:pg-password@db/sy"
        config.providers[.claude]?.headers = ["authorization": "Bearer header-token"]
        let secrets = ["client-key-one", "management-key", "pg-password", "header-token", "GOCSPX"]
        var dumped = ""
        dump(config, to: &dumped)
        for text in ["\(config)", String(reflecting: config), dumped] {
            for secret in secrets {
                XCTAssertFalse(text.contains(secret), "\(secret) leaked")
            }
            XCTAssertTrue(text.contains("<redacted>"))
            XCTAssertTrue(text.contains("127.0.0.1:8401"), "non-secret values stay visible")
        }
    }
}
