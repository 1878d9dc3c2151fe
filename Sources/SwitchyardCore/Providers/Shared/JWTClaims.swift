import Foundation

/// Reads the claims (payload) of a JWT **without verifying its signature**. That is enough
/// here: the token came straight from the provider's token endpoint over TLS, and the claims
/// only label the account (e-mail, ChatGPT ids); nothing is authorised by them.
enum JWTClaims {
    /// The payload object, or nil when `token` is not `header.payload[.signature]` with a
    /// base64url JSON-object payload.
    static func payload(of token: String) -> JSONObjectReader? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let data = base64URLDecode(parts[1]),
            let value = try? JSONValue.parse(data), let members = value.objectValue
        else { return nil }
        return JSONObjectReader(members: members, path: "id_token")
    }

    /// base64url (RFC 4648 §5), padding optional.
    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = String(text).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        switch base64.utf8.count % 4 {
        case 0: break
        case 2: base64 += "=="
        case 3: base64 += "="
        default: return nil
        }
        return Data(base64Encoded: base64)
    }
}
