import Foundation
import Logging
import SwitchyardCore
import SwitchyardCurl
import SwitchyardProtocol
import Synchronization

/// The data path's ties to the outside: the libcurl client every request goes through, the
/// supervisor (outcome reports), and Gemini project discovery (once per account).
final class ProxyUpstream: Sendable {
    let curl: CurlMultiClient
    private let link: SupervisorLink
    private let routing: RoutingTable
    private let logger: Logger
    /// Discoveries in flight, so concurrent first requests of one account share one call.
    private let discoveries = Mutex<[String: Discovery]>([:])

    private struct Discovery {
        let task: Task<ProjectDiscovery, Never>
        /// Requests waiting for it; the last one to leave (its client hung up) cancels it.
        var waiters: Int
    }

    init(curl: CurlMultiClient, link: SupervisorLink, routing: RoutingTable, logger: Logger) {
        self.curl = curl
        self.link = link
        self.routing = routing
        self.logger = logger
    }

    /// libcurl's request for `request` on `account` (its proxy, the configured timeouts).
    func httpRequest(_ request: UpstreamRequest, account: PoolAccount, settings: ProxySettings) -> SwitchyardCurl.HTTPRequest {
        SwitchyardCurl.HTTPRequest(
            request, proxyURL: account.proxyURL, connectTimeout: settings.connectTimeout, idleTimeout: settings.idleTimeout)
    }

    // MARK: - Outcomes

    /// Tells the supervisor about an upstream answer that matters to the account (SPEC §4):
    /// the code the decision rests on and its sanitized message, and for a 429 when it ends.
    func report(_ decision: Decision, code: String?, account: PoolAccount, status: Int?, headers: [(name: String, value: String)]) {
        var outcome = Outcome(accountID: account.id, httpStatus: status ?? 0, errorCode: code, message: decision.message)
        switch decision {
        case .forceRefreshThenRetry: outcome.accessTokenSHA256 = SHA256.hexDigest(Array(account.accessToken.utf8))
        case .cooldown(let until, _, let model):
            outcome.resetsAt = until
            outcome.model = model
        default: break
        }
        outcome.retryAfterSeconds = retryAfterSeconds(in: headers)
        link.send(.outcome(outcome))
    }

    // MARK: - Gemini project discovery

    enum ProjectDiscovery: Sendable {
        case found(String)
        case failed(status: Int?, headers: [(name: String, value: String)], body: [UInt8], transportError: String?)
    }

    /// The account's Code Assist project, asked of `loadCodeAssist` on its first use and
    /// reported to the supervisor, which stores it (SPEC §7). Cancelling the waiting task (its
    /// client hung up) cancels the call too, unless other requests still wait for it; then
    /// this one waits on and its caller drops the result.
    func discoverProject(for account: PoolAccount, settings: ProxySettings) async -> ProjectDiscovery {
        if let known = routing.account(account.id)?.projectID { return .found(known) }
        let task = discoveries.withLock { running -> Task<ProjectDiscovery, Never> in
            if let joined = running[account.id] {
                running[account.id]?.waiters += 1
                return joined.task
            }
            let task = Task { await self.loadCodeAssist(account, settings: settings) }
            running[account.id] = Discovery(task: task, waiters: 1)
            return task
        }
        let result = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            leaveDiscovery(account.id, task)
        }
        // Over: later requests find the project in the pool, or start afresh after a failure.
        discoveries.withLock { running in
            if running[account.id]?.task == task { running[account.id] = nil }
        }
        return result
    }

    /// A waiting request's client hung up; the last one to go takes the call with it, and
    /// the next request for the account starts a new one instead of joining a cancelled one.
    private func leaveDiscovery(_ accountID: String, _ task: Task<ProjectDiscovery, Never>) {
        let cancel = discoveries.withLock { running -> Bool in
            guard var discovery = running[accountID], discovery.task == task else { return false }
            discovery.waiters -= 1
            running[accountID] = discovery.waiters > 0 ? discovery : nil
            return discovery.waiters == 0
        }
        if cancel { task.cancel() }
    }

    private func loadCodeAssist(_ account: PoolAccount, settings: ProxySettings) async -> ProjectDiscovery {
        let request = GeminiProxy.projectDiscoveryRequest(accessToken: account.accessToken, config: settings.upstream)
        let response: HTTPResponse
        do {
            response = try await curl.perform(httpRequest(request, account: account, settings: settings))
        } catch {
            return .failed(status: nil, headers: [], body: [], transportError: error.description)
        }
        guard (200...299).contains(response.status), let project = GeminiProxy.discoveredProject(response.body) else {
            let status = (200...299).contains(response.status) ? 502 : response.status
            return .failed(status: status, headers: response.headers, body: response.body, transportError: nil)
        }
        routing.learnProject(account.id, project: project)
        link.send(.outcome(Outcome(accountID: account.id, httpStatus: 200, projectID: project)))
        logger.info("discovered the account's Code Assist project", metadata: ["account": "\(account.id)"])
        return .found(project)
    }
}
