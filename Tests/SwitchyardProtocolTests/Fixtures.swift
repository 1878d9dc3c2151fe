import NIOCore
import SwitchyardProtocol

/// One example of every message, with secrets that tests look for in logs and lines.
enum Fixtures {
    static let accessToken = "at-SECRET-access"
    static let refreshToken = "rt-SECRET-refresh"
    static let helloToken = "hello-SECRET-token"
    static let clientSecret = "cs-SECRET-client"
    static let clientKey = "ck-SECRET-key"

    static let account = PoolAccount(
        id: "codex-0123456789ab",
        accessToken: accessToken,
        expiresAt: 1_767_225_600,
        cooldownUntil: 1_767_200_000,
        chatgptAccountID: "acc-1",
        projectID: "proj-1",
        proxyURL: "socks5h://user:pw@127.0.0.1:1080",
        modelCooldowns: ["gemini-2.5-pro": 1_767_230_000],
        state: "cooling"
    )

    static let config = WorkerConfig(
        provider: "gemini",
        selection: "round-robin",
        sessionAffinityMs: 3_600_000,
        maxAttempts: 3,
        tokenURL: "https://oauth2.googleapis.com/token",
        apiBase: "https://cloudcode-pa.googleapis.com",
        usageURL: "https://cloudcode-pa.googleapis.com/v1internal:retrieveUserQuota",
        clientID: "681255809395-x.apps.googleusercontent.com",
        clientSecret: clientSecret,
        headers: ["User-Agent": "switchyard/1", "X-Extra": "a\nb"],
        models: ["gemini-2.5-pro", "gemini-2.5-flash"],
        clientKeys: [clientKey],
        maxBodyBytes: 32 << 20,
        headerTimeoutMs: 30_000,
        clientIdleTimeoutMs: 300_000,
        upstreamConnectTimeoutMs: 10_000,
        upstreamIdleTimeoutMs: 300_000,
        drainTimeoutMs: 30_000,
        logLevel: "info",
        logFormat: "json"
    )

    static let refreshRequest = RefreshRequest(
        requestID: "r-1", accountID: "codex-0123456789ab", refreshToken: refreshToken,
        clientID: "other-client", clientSecret: clientSecret, proxyURL: "http://127.0.0.1:3128"
    )

    static let refreshResult = RefreshResult(
        requestID: "r-1", accountID: "codex-0123456789ab",
        consumedTokenSHA256: String(repeating: "ab", count: 32),
        httpStatus: 200, body: #"{"access_token":"at-SECRET-new","refresh_token":"rt-SECRET-new"}"#,
        retryAfterSeconds: nil, error: nil
    )

    static let supervisorMessages: [SupervisorMessage] = [
        .config(config),
        .poolReset(total: 2),
        .poolUpsert([account, PoolAccount(id: "codex-ba9876543210", accessToken: "at-2")]),
        .poolRemove(ids: ["codex-0123456789ab"]),
        .accept,
        .stopAccepting,
        .drain(deadlineMs: 30_000),
        .drain(deadlineMs: nil),
        .ping(seq: UInt64.max),
        .refresh(refreshRequest),
        .refreshAck(requestID: "r-1"),
        .quota(QuotaRequest(requestID: "q-1", accountID: "codex-0123456789ab")),
    ]

    static let workerMessages: [WorkerMessage] = [
        .hello(Hello(provider: "codex", pid: 123, protocol: 1, token: helloToken, generation: 4)),
        .hello(Hello(provider: "claude", pid: Int32.max, token: helloToken)),
        .ready,
        .accepting,
        .acceptingStopped,
        .pong(seq: 42),
        .stats(WorkerStats(inFlight: 3, requestsTotal: 1_000_000, rssBytes: 52_428_800)),
        .stats(WorkerStats(inFlight: 0, requestsTotal: 0)),
        .refreshAnswered(requestID: "rf-7"),
        .refreshResult(refreshResult),
        .refreshResult(RefreshResult(
            requestID: "r-2", accountID: "claude-0123456789ab", consumedTokenSHA256: "00", error: "timeout"
        )),
        .quotaResult(QuotaResult(
            requestID: "q-1", accountID: "codex-0123456789ab", httpStatus: 429,
            body: #"{"error":"slow down"}"#, retryAfterSeconds: 60
        )),
        .outcome(Outcome(
            accountID: "gemini-0123456789ab", httpStatus: 429, errorCode: "QUOTA_EXHAUSTED",
            message: "quota exhausted", retryAfterSeconds: 11, resetsAt: 1_767_240_000,
            model: "gemini-2.5-pro"
        )),
        .outcome(Outcome(accountID: "gemini-0123456789ab", httpStatus: 200, projectID: "proj-2")),
    ]

    static func string(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }
}
