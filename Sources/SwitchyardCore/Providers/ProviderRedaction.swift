/// Keeps tokens out of `print`, `dump`, string interpolation and test-failure messages of the
/// provider types, as `ConfigRedaction` does for the config: a grant or a request is logged
/// whole sooner or later, and both hold credentials (tokens, Authorization, refresh-token
/// bodies, config headers that may carry keys).
extension TokenGrant: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: [
            "accessToken": ConfigRedaction.marker,
            "refreshToken": ConfigRedaction.redact(refreshToken) as Any,
            "idToken": ConfigRedaction.redact(idToken) as Any,
            "expiresAt": expiresAt as Any, "accountUUID": accountUUID as Any, "email": email as Any,
            "chatgptAccountID": chatgptAccountID as Any, "chatgptUserID": chatgptUserID as Any,
        ], displayStyle: .struct)
    }
}

/// Header names are shown, every value is redacted; the body shows only its size.
extension UpstreamRequest: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: [
            "method": method, "url": url,
            "headers": headers.map { "\($0.0): \(ConfigRedaction.marker)" },
            "body": body.map { "\(ConfigRedaction.marker) (\($0.count) bytes)" } as Any,
        ], displayStyle: .struct)
    }
}
