/// What the state decided for a usage or API call.
enum CallDecision<Value: Behaviour>: Sendable {
    /// The Bearer token is not the current access token of an account of this provider.
    case unauthorized
    /// Codex: the `chatgpt-account-id` header is missing or names another workspace.
    case wrongWorkspace(String)
    case proceed(Value, SimAccount)
}
