import Foundation
import SwitchyardCore

/// Shared fixtures for the provider adapter tests.
enum ProviderTestSupport {
    static let now: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z

    /// The provider's default config with URLs pointing at a local simulator and `headers`.
    static func config(_ provider: Provider, headers: [String: String] = [:]) -> ProviderConfig {
        var config = ProviderConfig.defaults(for: provider)
        config.tokenURL = "http://127.0.0.1:9/\(provider.rawValue)/token"
        config.usageURL = "http://127.0.0.1:9/\(provider.rawValue)/usage"
        config.headers = headers
        return config
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func text(_ body: [UInt8]?) -> String? { body.map { String(decoding: $0, as: UTF8.self) } }

    /// An unsigned JWT (`alg: none`) with `claims` as its payload, base64url without padding.
    static func jwt(_ claims: String) -> String {
        "\(base64URL(#"{"alg":"none","typ":"JWT"}"#)).\(base64URL(claims)).c2lnbmF0dXJl"
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Renders headers as `name: value` lines, so a failing comparison prints readably.
    static func lines(_ headers: [(String, String)]) -> [String] {
        headers.map { "\($0.0): \($0.1)" }
    }
}
