import Foundation

/// Unsigned JWTs (`header.payload.sig`) for Codex and Google id_tokens. Clients read these
/// claims without verifying the signature, so a fixed fake signature is faithful enough.
enum UnsignedJWT {
    static func make(claims: [String: Any]) -> String {
        let header = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = base64URL((try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
        return "\(header).\(payload).\(base64URL(Data("sim-signature".utf8)))"
    }

    /// Base64url without padding (RFC 7515 §2).
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The id_token Codex's token endpoint returns: identity under `https://api.openai.com/auth`.
    static func codexIDToken(for account: SimAccount) -> String {
        let now = Int(Date().timeIntervalSince1970)
        return make(claims: [
            "iss": "https://auth.openai.com", "aud": ["app_EMoamEEZ73f0CkXaXp7hrann"],
            "sub": account.identity.chatgptUserID, "email": account.identity.email, "email_verified": true,
            "iat": now, "exp": now + 3600,
            "https://api.openai.com/auth": [
                "chatgpt_account_id": account.identity.chatgptAccountID,
                "chatgpt_user_id": account.identity.chatgptUserID,
                "chatgpt_plan_type": account.identity.planType,
                "user_id": account.identity.chatgptUserID,
            ] as [String: Any],
        ])
    }

    /// Google's id_token: `sub` (when the account has one) and `email`.
    static func googleIDToken(for account: SimAccount) -> String {
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": "https://accounts.google.com", "email": account.identity.email, "email_verified": true,
            "iat": now, "exp": now + 3600,
        ]
        if let sub = account.identity.sub { claims["sub"] = sub }
        return make(claims: claims)
    }
}
