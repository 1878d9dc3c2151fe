import Foundation
import Hummingbird

/// Token endpoint answers, success and failure, in each provider's wire shape (PROVIDERS.md).
enum RefreshReplies {
    static func reply(_ provider: Provider, _ decision: TokenDecision) -> Response {
        switch decision {
        case .badRequest(let reason):
            return Reply.json(400, ["error": "invalid_request", "error_description": .string(reason)])
        case .unknownToken:
            return invalidGrant(provider)
        case .reused:
            return provider == .codex ? failure(.refreshTokenReused, provider) : invalidGrant(provider)
        case .failed(let behaviour, _):
            return failure(behaviour, provider)
        case .issued(let account, _):
            return success(account)
        }
    }

    static func success(_ account: SimAccount) -> Response {
        let expiresIn = account.settings.expiresIn
        switch account.provider {
        case .claude:
            return Reply.json(200, [
                "token_type": "Bearer", "access_token": .string(account.accessToken), "expires_in": .int(expiresIn),
                "refresh_token": .string(account.refreshToken),
                "scope": "user:inference user:profile user:sessions:claude_code user:mcp_servers user:file_upload",
                "organization": ["uuid": .string(account.identity.organizationUUID),
                                 "name": .string(account.identity.organizationName)],
                "account": ["uuid": .string(account.identity.accountUUID),
                            "email_address": .string(account.identity.email)],
            ])
        case .codex:
            return Reply.json(200, [
                "access_token": .string(account.accessToken), "refresh_token": .string(account.refreshToken),
                "id_token": .string(UnsignedJWT.codexIDToken(for: account)), "expires_in": .int(expiresIn),
            ])
        case .gemini:
            return Reply.json(200, [
                "access_token": .string(account.accessToken), "expires_in": .int(expiresIn), "token_type": "Bearer",
                "scope": .string(googleScope),
                "id_token": .string(UnsignedJWT.googleIDToken(for: account)),
            ])
        }
    }

    private static let googleScope = "https://www.googleapis.com/auth/cloud-platform "
        + "https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile openid"

    static func invalidGrant(_ provider: Provider) -> Response {
        let description: JSON = switch provider {
        case .claude: "Refresh token not found or invalid"
        case .codex: "Invalid refresh token"
        case .gemini: "Token has been expired or revoked."
        }
        return Reply.json(400, ["error": "invalid_grant", "error_description": description])
    }

    /// A scripted failure. Shapes are the provider's where one is known; the codex-shaped
    /// codes (`token_expired`, `refresh_token_reused`, `deactivated`) are served on every
    /// provider's endpoint so any classifier can be exercised from any provider.
    static func failure(_ behaviour: RefreshBehaviour, _ provider: Provider) -> Response {
        switch behaviour {
        case .ok, .slow:
            return Reply.json(500, ["error": "sim_internal", "error_description": "success behaviour as failure"])
        case .invalidGrant:
            return invalidGrant(provider)
        case .tokenExpired:
            return Reply.json(401, ["error": [
                "message": "Provided authentication token is expired. Please try signing in again.",
                "type": .null, "code": "token_expired", "param": .null,
            ]])
        case .refreshTokenReused:
            return Reply.json(401, ["error": [
                "message": .string("Your refresh token has already been used to generate a new access token. "
                    + "Please try signing in again."),
                "type": "invalid_request_error", "code": "refresh_token_reused", "param": .null,
            ]])
        case .unauthorized:
            return Reply.text(401, "Unauthorized")
        case .invalidClient:
            return Reply.json(401, ["error": "invalid_client", "error_description": "The OAuth client was not found."])
        case .unauthorizedClient:
            return Reply.json(401, ["error": "unauthorized_client", "error_description": "Unauthorized"])
        case .orgForbidden:
            return ClaudeShapes.error(403, "permission_error",
                                      "OAuth authentication is currently not allowed for this organization.")
        case .deactivated:
            return CodexShapes.deactivated()
        case .rateLimited:
            return Reply.json(429, rateLimitBody(provider), headers: [("retry-after", "7")])
        case .serverError:
            return Reply.json(500, ["error": "server_error", "error_description": "Internal server error"])
        case .overloaded:
            return ClaudeShapes.error(529, "overloaded_error", "Overloaded")
        case .malformed:
            return Reply.text(200, "<html><body>upstream proxy error</body></html>", contentType: "text/html")
        case .disconnect:
            return Reply.truncated(Data(#"{"access_token":"never-completed","expires_in":3600}"#.utf8),
                                   contentType: "application/json")
        }
    }

    private static func rateLimitBody(_ provider: Provider) -> JSON {
        switch provider {
        case .claude: ["type": "error", "error": ["type": "rate_limit_error", "message": "Rate limited"]]
        case .codex: ["error": ["message": "Rate limit exceeded", "type": "rate_limit_exceeded", "code": "rate_limit_exceeded"]]
        case .gemini: ["error": "rate_limit_exceeded", "error_description": "Rate limit exceeded"]
        }
    }
}
