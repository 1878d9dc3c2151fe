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

    /// base64url (RFC 4648 §5), padding optional. The alphabet is mapped byte by byte:
    /// Foundation's `replacingOccurrences` was a visible cost on every Codex refresh.
    static func base64URLDecode(_ text: Substring) -> Data? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        switch bytes.count % 4 {
        case 0: break
        case 2: bytes.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
        case 3: bytes.append(UInt8(ascii: "="))
        default: return nil
        }
        return Data(base64Encoded: Data(bytes))
    }
}
