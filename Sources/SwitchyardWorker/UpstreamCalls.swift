import Foundation
import Logging
import SwitchyardCore
import SwitchyardCurl
import SwitchyardProtocol
import SwitchyardStore
import Synchronization

/// The refresh and quota calls a worker makes for the supervisor (SPEC §1): it builds the
/// provider's request, calls upstream through libcurl, and reports the answer raw — the
/// supervisor classifies and decides.
///
/// A refresh result is journaled in pending/ (durably) before it is reported, and the record
/// is deleted only on `refresh_ack`: from the moment the upstream has rotated a refresh token,
/// the new token exists on disk until the store holds it. (Should the journal write fail, the
/// result is still reported: the store is then the token's only way to disk.) While a refresh call is in flight
/// the pending lock is held shared, so a starting supervisor never reads a half-made journal.
final class UpstreamCalls: Sendable {
    private let provider: Provider
    private let journal: PendingJournalWriter
    private let link: SupervisorLink
    private let logger: Logger
    /// Calls started, and whether new ones may start. One lock for both: a call either
    /// starts before the worker begins to exit (and the exit waits for it) or not at all —
    /// never half, which could rotate a token upstream and exit before journaling it.
    private let state = Mutex<(inFlight: Int, closed: Bool)>((0, false))
    /// Its own libcurl thread, apart from the data path's: a burst of refreshes neither waits
    /// behind client traffic nor slows it. Connections are kept and reused across calls.
    private let curl = CurlMultiClient(name: "curl-control")
    /// A body larger than this is not read further: a token or usage answer is a few KiB.
    /// (`ReportedBody` then keeps the escaped text within the protocol's line bound.)
    static let maximumBody = 256 * 1024
    /// Test-only: `SWITCHYARD_FAULT=journal-write` fails every journal write, so a test can
    /// show that a failed one loses no rotated token. Unset in production.
    static let failJournalWrites = getenv("SWITCHYARD_FAULT").map { String(cString: $0) } == "journal-write"

    init(provider: Provider, journal: PendingJournal, link: SupervisorLink, logger: Logger) {
        self.provider = provider
        self.journal = PendingJournalWriter(journal: journal)
        self.link = link
        self.logger = logger
    }

    var callsInFlight: Int { state.withLock { $0.inFlight } }

    /// No call starts after this; calls already started run to the end.
    func close() { state.withLock { $0.closed = true } }

    private func begin() -> Bool {
        state.withLock {
            if $0.closed { return false }
            $0.inFlight += 1
            return true
        }
    }

    private func end() { state.withLock { $0.inFlight -= 1 } }

    func refresh(_ request: RefreshRequest, config: WorkerConfig) async {
        guard begin() else { return }  // exiting: the supervisor will dispatch it again
        defer { end() }
        // Only a starting supervisor holds the pending lock exclusively, and it starts only
        // once ours is gone. A worker that cannot take the lock at once, or whose supervisor
        // connection is already closed, is an orphan: calling now would consume a refresh
        // token that the new supervisor is about to use too.
        guard let lock = journal.journal.lock(exclusive: false, waitingAtMost: .zero), link.isActive else {
            logger.warning("refresh not started: the supervisor is gone", metadata: ["account": "\(request.accountID)"])
            link.send(.refreshResult(RefreshResult(
                requestID: request.requestID, accountID: request.accountID,
                consumedTokenSHA256: SHA256.hexDigest(Array(request.refreshToken.utf8)),
                error: "refresh not started: the supervisor connection is gone")))
            return
        }
        defer { lock.release() }
        let settings = Self.providerConfig(provider, config)
        let upstream = ProviderAdapters.adapter(for: provider).refreshRequest(
            refreshToken: request.refreshToken, clientID: request.clientID ?? config.clientID,
            clientSecret: request.clientSecret ?? config.clientSecret, config: settings)
        let answer = await perform(upstream, proxyURL: request.proxyURL, config: config)
        // The call is over: its concurrency slot is free now, not once the journal is flushed.
        link.send(.refreshAnswered(requestID: request.requestID))
        let result = RefreshResult(
            requestID: request.requestID, accountID: request.accountID,
            consumedTokenSHA256: SHA256.hexDigest(Array(request.refreshToken.utf8)),
            httpStatus: answer.status, body: answer.body, retryAfterSeconds: answer.retryAfter, error: answer.error)
        do {
            if Self.failJournalWrites {
                throw FileStoreError.systemCall(operation: "write (SWITCHYARD_FAULT)", path: "pending/", errno: EIO)
            }
            // Group-committed with the other results finishing now (one flush for all).
            try await journal.write(PendingRecord(provider: provider.rawValue, result: result).encoded(), id: request.requestID)
        } catch {
            // Reported all the same: the upstream may already have rotated the token, and the
            // supervisor's store is now its only way to durability. Withholding the result
            // would lose the new token for certain — the next refresh would present the
            // consumed one (for Codex, a reuse that revokes the whole token family). Only a
            // supervisor crash before its store write can lose it now.
            logger.critical("cannot journal a refresh result; reporting it without a journal record",
                            metadata: ["account": "\(request.accountID)", "error": "\(error)"])
        }
        link.send(.refreshResult(result))
    }

    /// The journal's spare files go with this process (before it exits).
    func removeSpares() { journal.removeSpares() }

    func acknowledged(_ requestID: String) async {
        do {
            try await journal.remove(id: requestID)
        } catch {
            logger.error("cannot remove a pending record", metadata: ["request": "\(requestID)", "error": "\(error)"])
        }
    }

    func quota(_ request: QuotaRequest, account: PoolAccount?, config: WorkerConfig) async {
        guard let account else {
            link.send(.quotaResult(QuotaResult(requestID: request.requestID, accountID: request.accountID, error: "account not in this worker's pool")))
            return
        }
        guard begin() else { return }
        defer { end() }
        let upstream = ProviderAdapters.adapter(for: provider).usageRequest(
            accessToken: account.accessToken, chatgptAccountID: account.chatgptAccountID,
            projectID: account.projectID, config: Self.providerConfig(provider, config))
        let answer = await perform(upstream, proxyURL: account.proxyURL, config: config)
        link.send(.quotaResult(QuotaResult(
            requestID: request.requestID, accountID: request.accountID, httpStatus: answer.status,
            body: answer.body, retryAfterSeconds: answer.retryAfter, error: answer.error)))
    }

    private struct Answer {
        var status: Int?
        var body: String?
        var retryAfter: Int?
        var error: String?
    }

    private func perform(_ upstream: UpstreamRequest, proxyURL: String?, config: WorkerConfig) async -> Answer {
        let request = HTTPRequest(
            upstream, proxyURL: proxyURL, connectTimeout: .milliseconds(config.upstreamConnectTimeoutMs),
            idleTimeout: .milliseconds(config.upstreamIdleTimeoutMs), timeout: .seconds(120))
        do {
            let response = try await curl.perform(request)
            let body = ReportedBody.text(response.body.prefix(Self.maximumBody))
            return Answer(status: response.status, body: body, retryAfter: retryAfterSeconds(in: response.headers))
        } catch {
            return Answer(error: error.description)
        }
    }

    static func providerConfig(_ provider: Provider, _ config: WorkerConfig) -> ProviderConfig {
        var settings = ProviderConfig.defaults(for: provider)
        settings.tokenURL = config.tokenURL
        settings.apiBase = config.apiBase
        settings.usageURL = config.usageURL
        settings.clientID = config.clientID
        settings.clientSecret = config.clientSecret
        settings.headers = config.headers
        return settings
    }
}
