import Foundation
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardCurl
import SwitchyardProtocol

/// One client request's walk over the pool (SPEC §6.4, §8): pick an account, call upstream,
/// and on a failure that is the account's or the upstream's (not the client's) move on to
/// another account — at most `max-attempts` — as long as nothing reached the client.
///
/// A cancelled task means the client hung up (`HangUpWatch`): the current transfer is
/// cancelled by its wait, and the walk ends with `.abandoned` — no further attempt, nothing
/// classified or reported for the cancelled one, the account released.
struct ProxyAttempts {
    let settings: ProxySettings
    let routing: RoutingTable
    let upstream: ProxyUpstream
    /// The client the request's transfers go through: the one whose loop runs the request.
    let curl: CurlMultiClient
    let logger: Logger

    /// Upstream error bodies are read up to this size (they are small JSON documents).
    static let errorBodyLimit = 256 * 1024

    /// A failed attempt, kept to answer with should no other account succeed.
    private enum Failure {
        /// Pass the upstream's answer on (overload, 5xx, 429: the client learns what happened).
        case upstream(status: Int, headers: [(name: String, value: String)], body: [UInt8])
        /// Ours to answer (a refused token, a disabled account: nothing the client can act on).
        case local(ClientError)
    }

    private enum Step {
        case answer(ProxyAnswer)
        /// `refusedToken`: the upstream refused the account's access token (401).
        case retry(Failure, refusedToken: Bool = false)
        /// The client hung up during the attempt.
        case abandoned
    }

    /// How long a request whose only usable account was refused with 401 waits for that
    /// account's refreshed token before giving up.
    static let renewedTokenWait: Duration = .seconds(15)

    func run(_ call: ProxyCall, session: String?) async -> ProxyAnswer {
        let adapter = ProxyAdapters.adapter(for: settings.provider)
        let model = call.endpoint.pathModel ?? call.request.model
        var tried: Set<String> = []
        var last: Failure?
        /// The account (and token) that last answered 401, while no retry on its new token ran.
        var unauthorized: PoolAccount?
        /// SPEC §6.4 allows one retry on a renewed token; a renewed token refused too is final.
        var renewedOnce = false
        for _ in 0..<settings.maxAttempts {
            if Task.isCancelled { return .abandoned }
            let account: PoolAccount
            switch routing.choose(model: model, session: session, excluding: tried) {
            case .account(let chosen):
                account = chosen
            case .none(let error):
                // SPEC §6.4: no other account — retry the refused one with its new token (or
                // one another request saw refused, whose refresh is under way); once only.
                guard !renewedOnce,
                      let (refused, wait) = unauthorized.map({ ($0, Self.renewedTokenWait) }) ?? routing.awaitingRefresh(excluding: tried),
                      let renewed = await routing.nextToken(of: refused.id, after: refused.accessToken, timeout: wait)
                else {
                    if Task.isCancelled { return .abandoned }
                    // Every account cooling now (this request's own 429s included): the
                    // table's answer, whose Retry-After says when the first is usable again —
                    // an upstream 429 passed on would tell about one account only.
                    if case .allCooling = error { return .local(error) }
                    return Self.answer(for: last, orElse: error)
                }
                unauthorized = nil
                renewedOnce = true
                routing.started(renewed.id)
                account = renewed
            }
            tried.insert(account.id)
            var step = await attempt(call, on: account, adapter: adapter)
            if Task.isCancelled {
                // The client hung up just as the attempt came to something: it goes nowhere.
                if case .answer(.stream(_, let exchange, _, _, _)) = step { exchange.cancel() }
                step = .abandoned
            }
            switch step {
            case .answer(let answer):
                if case .stream = answer {} else { routing.finished(account.id) }
                return answer
            case .abandoned:
                routing.finished(account.id)
                return .abandoned
            case .retry(let failure, let refusedToken):
                routing.finished(account.id)
                last = failure
                if refusedToken { unauthorized = account }
            }
        }
        return Self.answer(for: last, orElse: .noUsableAccount)
    }

    private static func answer(for failure: Failure?, orElse error: ClientError) -> ProxyAnswer {
        switch failure {
        case .upstream(let status, let headers, let body): .buffered(status: status, headers: headers, body: body)
        case .local(let local): .local(local)
        case nil: .local(error)
        }
    }

    // MARK: - One attempt

    private func attempt(_ call: ProxyCall, on account: PoolAccount, adapter: any ProxyAdapter) async -> Step {
        var credentials = ProxyCredentials(
            accessToken: account.accessToken, chatgptAccountID: account.chatgptAccountID, projectID: account.projectID)
        if settings.provider == .gemini, credentials.projectID == nil {
            switch await upstream.discoverProject(for: account, settings: settings) {
            case .found(let project): credentials.projectID = project
            case .failed where Task.isCancelled: return .abandoned
            case .failed(let status, let headers, let body, let error):
                return failed(status: status, headers: headers, body: body, transportError: error, account: account)
            }
        }
        // A hang-up from here on cancels the transfer through the exchange's waits.
        if Task.isCancelled { return .abandoned }
        let request = adapter.upstreamRequest(call, account: credentials, config: settings.upstream)
        let exchange = UpstreamExchange()
        exchange.start(upstream.httpRequest(request, account: account, settings: settings), on: curl)
        let head: HTTPResponseHead
        switch await exchange.head() {
        case .success(let received): head = received
        case .failure(let error): return broken(error, account: account)
        }
        guard (200...299).contains(head.status) else {
            let body: [UInt8]
            switch await exchange.collect(limit: Self.errorBodyLimit) {
            case .success(let collected): body = collected
            case .failure(let error): return broken(error, account: account)
            }
            return failed(status: head.status, headers: head.headers, body: body, transportError: nil, account: account)
        }
        return await success(call, head: head, exchange: exchange, shape: adapter.responseShape(call, contentType: head.header("content-type")),
                             account: account)
    }

    /// A 2xx head: decide how its body goes on, reading as much as that needs first.
    private func success(
        _ call: ProxyCall, head: HTTPResponseHead, exchange: UpstreamExchange, shape: ResponseShape,
        account: PoolAccount
    ) async -> Step {
        var downstream = head
        downstream.headers = ForwardedHeaders.downstream(head.headers)
        switch shape {
        case .passThrough:
            // The body goes as it came, so its length may stay.
            if let length = head.header("content-length") { downstream.headers.append((name: "content-length", value: length)) }
            return .answer(.stream(head: downstream, exchange: exchange, prefix: [], unwrap: nil, accountID: account.id))
        case .eventStream(let unwrapGemini):
            return await gated(head: downstream, exchange: exchange, unwrap: unwrapGemini ? GeminiStreamUnwrapper() : nil,
                               account: account)
        case .geminiJSON:
            return await collected(head: downstream, exchange: exchange, account: account) { body in
                .ok(GeminiEnvelope.unwrap(body))
            }
        case .geminiArray:
            return await collected(head: downstream, exchange: exchange, account: account) { body in
                var unwrapper = GeminiStreamUnwrapper()
                var array = GeminiArrayCollector()
                array.feed(unwrapper.feed(body))
                array.feed(unwrapper.finish())
                return .ok(array.finish())
            }
        case .codexCollected:
            return await collected(head: downstream, exchange: exchange, account: account) { body in
                var collector = CodexStreamCollector()
                switch collector.feed(body) {
                case .finished(let response): return .ok(response)
                case .failed(let payload): return .failedInStream(payload)
                case .collecting, .incomplete:
                    switch collector.finish() {
                    case .finished(let response): return .ok(response)
                    case .failed(let payload): return .failedInStream(payload)
                    case .collecting, .incomplete: return .incomplete
                    }
                }
            }
        }
    }

    private enum Rewrite {
        case ok([UInt8])
        case failedInStream([UInt8])
        case incomplete
    }

    /// Buffers the whole 2xx body, rewrites it, and answers it as JSON.
    private func collected(
        head: HTTPResponseHead, exchange: UpstreamExchange, account: PoolAccount,
        rewrite: ([UInt8]) -> Rewrite
    ) async -> Step {
        let body: [UInt8]
        switch await exchange.collect(limit: settings.maxBodyBytes * 4) {
        case .success(let collected): body = collected
        case .failure(let error): return broken(error, account: account)
        }
        switch rewrite(body) {
        case .ok(let rewritten):
            var headers = head.headers.filter { !$0.name.caseInsensitiveEquals("content-type") }
            headers.append((name: "content-type", value: "application/json"))
            return .answer(.buffered(status: head.status, headers: headers, body: rewritten))
        case .failedInStream(let payload):
            return failedInStream(payload: payload, head: head, held: body, account: account)
        case .incomplete:
            return failed(status: nil, headers: [], body: [], transportError: "the upstream stream ended before its final event",
                          account: account)
        }
    }

    /// Holds an event stream's start until content shows (`StreamGate`).
    private func gated(
        head: HTTPResponseHead, exchange: UpstreamExchange, unwrap: GeminiStreamUnwrapper?, account: PoolAccount
    ) async -> Step {
        var gate = StreamGate(provider: settings.provider)
        var unwrapper = unwrap
        while true {
            switch await exchange.next() {
            case .data(let chunks):
                for (index, chunk) in chunks.enumerated() {
                    var bytes = Array(chunk.readableBytesView)
                    if unwrapper != nil { bytes = unwrapper!.feed(bytes) }
                    switch gate.feed(bytes) {
                    case .hold: continue
                    case .release(let held):
                        // Chunks after this one in the batch were taken already: they go out
                        // behind the held bytes, in order.
                        let rest = Self.bytes(of: chunks[(index + 1)...], unwrapper: &unwrapper)
                        return .answer(.stream(head: head, exchange: exchange, prefix: held + rest, unwrap: unwrapper, accountID: account.id))
                    case .failed(let payload, let held):
                        exchange.cancel()
                        return failedInStream(payload: payload, head: head, held: held, account: account)
                    }
                }
            case .end:
                var tail = gate.finish()
                if unwrapper != nil { tail += unwrapper!.finish() }
                return .answer(.buffered(status: head.status, headers: head.headers, body: tail))
            case .failed(let error):
                return broken(error, account: account)
            }
        }
    }

    private static func bytes(of chunks: ArraySlice<ByteBuffer>, unwrapper: inout GeminiStreamUnwrapper?) -> [UInt8] {
        var out: [UInt8] = []
        for later in chunks {
            let bytes = Array(later.readableBytesView)
            out += unwrapper != nil ? unwrapper!.feed(bytes) : bytes
        }
        return out
    }

    // MARK: - Failures

    /// A transfer that ended without its answer: the client's hang-up cancelled it (nothing
    /// to classify: the upstream did nothing wrong), or the upstream or network failed.
    private func broken(_ error: CurlError, account: PoolAccount) -> Step {
        if Task.isCancelled { return .abandoned }
        return failed(status: nil, headers: [], body: [], transportError: error.description, account: account)
    }

    /// An error inside a 2xx stream before any content: classified like an API answer with
    /// that payload; passed on as the stream it was when it is the client's to see.
    private func failedInStream(payload: [UInt8], head: HTTPResponseHead, held: [UInt8], account: PoolAccount) -> Step {
        let (decision, code) = classify(status: head.status, headers: head.headers, body: payload, transportError: nil)
        if case .neutral = decision {
            return .answer(.buffered(status: head.status, headers: head.headers, body: held))
        }
        return act(on: decision, code: code, status: head.status, headers: head.headers, body: held, account: account)
    }

    private func failed(
        status: Int?, headers: [(name: String, value: String)], body: [UInt8], transportError: String?,
        account: PoolAccount
    ) -> Step {
        let (decision, code) = classify(status: status, headers: headers, body: body, transportError: transportError)
        if case .neutral = decision, let status {
            // The client's own mistake (400-class payload errors): its answer, unchanged.
            return .answer(.buffered(status: status, headers: ForwardedHeaders.downstream(headers), body: body))
        }
        return act(on: decision, code: code, status: status, headers: headers, body: body, account: account)
    }

    private func classify(
        status: Int?, headers: [(name: String, value: String)], body: [UInt8], transportError: String?
    ) -> (decision: Decision, code: String?) {
        FailureClassifier.classifyNamingCode(
            source: .api, provider: settings.provider, status: status, headers: headers.map { ($0.name, $0.value) },
            fields: ErrorFields.extract(body: body), transportError: transportError, now: RoutingTable.now())
    }

    /// What a failed attempt does to the account, what the supervisor hears, and what the
    /// client gets should this be the last attempt.
    private func act(
        on decision: Decision, code: String?, status: Int?, headers: [(name: String, value: String)], body: [UInt8],
        account: PoolAccount
    ) -> Step {
        let passOn = Failure.upstream(status: status ?? 502, headers: ForwardedHeaders.downstream(headers), body: body)
        switch decision {
        case .cooldown(let until, _, let scopedModel):
            routing.cool(account.id, until: until, model: scopedModel)
            upstream.report(decision, code: code, account: account, status: status, headers: headers)
            return .retry(passOn)
        case .forceRefreshThenRetry:
            routing.holdUntilNewToken(account.id, refreshWait: Self.renewedTokenWait)
            upstream.report(decision, code: code, account: account, status: status, headers: headers)
            return .retry(.local(.noUsableAccount), refusedToken: true)
        case .permanent:
            routing.holdUntilNewToken(account.id, refreshWait: nil)
            upstream.report(decision, code: code, account: account, status: status, headers: headers)
            return .retry(.local(.noUsableAccount))
        case .retryElsewhere(let message):
            if status != nil { upstream.report(decision, code: code, account: account, status: status, headers: headers) }
            logger.debug("upstream attempt failed; trying another account", metadata: ["reason": "\(message)"])
            guard status != nil else { return .retry(.local(.noUsableAccount)) }
            return .retry(passOn)
        case .neutral, .transient, .configurationError, .quotaUnavailable:
            return .answer(.buffered(status: status ?? 502, headers: ForwardedHeaders.downstream(headers), body: body))
        }
    }
}
