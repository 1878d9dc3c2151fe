import Foundation

/// Unsigned JWTs (`header.payload.sig`) for Codex and Google id_tokens. Clients read these
/// claims without verifying the signature, so a fixed fake signature is faithful enough.
enum UnsignedJWT {
    private static let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
    private static let signature = base64URL(Data("sim-signature".utf8))

    static func make(claims: JSON) -> String {
        "\(header).\(base64URL(Data(claims.text.utf8))).\(signature)"
    }

    /// Base64url without padding (RFC 7515 §2), mapped byte by byte: NSString's
    /// replacingOccurrences was a visible cost per refresh.
    static func base64URL(_ data: Data) -> String {
        var bytes = Array(data.base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") { bytes[index] = UInt8(ascii: "-") }
            else if bytes[index] == UInt8(ascii: "/") { bytes[index] = UInt8(ascii: "_") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The id_token Codex's token endpoint returns: identity under `https://api.openai.com/auth`.
    static func codexIDToken(for account: SimAccount) -> String {
        let now = Int(Date().timeIntervalSince1970)
        let identity = account.identity
        return make(claims: [
            "iss": "https://auth.openai.com", "aud": ["app_EMoamEEZ73f0CkXaXp7hrann"],
            "sub": .string(identity.chatgptUserID), "email": .string(identity.email), "email_verified": true,
            "iat": .int(now), "exp": .int(now + 3600),
            "https://api.openai.com/auth": [
                "chatgpt_account_id": .string(identity.chatgptAccountID),
                "chatgpt_user_id": .string(identity.chatgptUserID),
                "chatgpt_plan_type": .string(identity.planType),
                "user_id": .string(identity.chatgptUserID),
            ],
        ])
    }

    /// Google's id_token: `sub` (when the account has one) and `email`.
    static func googleIDToken(for account: SimAccount) -> String {
        let now = Int(Date().timeIntervalSince1970)
        var claims: JSON = [
            "iss": "https://accounts.google.com", "email": .string(account.identity.email), "email_verified": true,
            "iat": .int(now), "exp": .int(now + 3600),
        ]
        if let sub = account.identity.sub { claims["sub"] = .string(sub) }
        return make(claims: claims)
    }
}
