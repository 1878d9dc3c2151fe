/// The standard OAuth 2.0 members of a token response (RFC 6749 §5.1) that every provider
/// shares; each adapter adds its own identity members.
///
/// Deliberately lenient apart from `access_token`: a 2xx refresh answer may carry a rotated,
/// single-use refresh token (Codex), and throwing because of an odd side member would make
/// the caller drop it — the account would then be dead. So a member with an unexpected type
/// reads as absent.
struct OAuthTokenResponse {
    let reader: JSONObjectReader
    let grant: TokenGrant

    init(body: [UInt8], now: Int64) throws(ProviderParseError) {
        let reader = try JSONObjectReader(body: body)
        guard let accessToken = reader.value("access_token")?.stringValue, !accessToken.isEmpty else {
            throw .missingAccessToken
        }
        self.reader = reader
        self.grant = TokenGrant(
            accessToken: accessToken,
            refreshToken: Self.nonEmptyString(reader.value("refresh_token")),
            idToken: Self.nonEmptyString(reader.value("id_token")),
            expiresAt: Self.expiresIn(reader.value("expires_in")).map { now.addingClamped($0) }
                ?? Self.jwtExpiry(accessToken)
        )
    }

    private static func nonEmptyString(_ value: JSONValue?) -> String? {
        guard let string = value?.stringValue, !string.isEmpty else { return nil }
        return string
    }

    /// Without `expires_in`, an access token that is itself a JWT (Codex's are) still says
    /// when it expires in its `exp` claim.
    private static func jwtExpiry(_ accessToken: String) -> Int64? {
        JWTClaims.payload(of: accessToken)?.value("exp")?.int64Value
    }

    /// Seconds; some servers send the number as a string ("3599").
    private static func expiresIn(_ value: JSONValue?) -> Int64? {
        if let seconds = value?.int64Value { return seconds }
        if let seconds = value?.doubleValue, seconds.isFinite, abs(seconds) < 1e15 { return Int64(seconds) }
        if let text = value?.stringValue { return Int64(text) }
        return nil
    }
}
