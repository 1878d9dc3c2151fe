import HummingbirdCore
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardHTTP1
import class SwitchyardCurl.CurlMultiClient

/// Answers every request on the worker's client port (SPEC §8): `GET /healthz`, the models
/// list, and the provider's API, proxied through the pool. Checks come cheapest first:
/// route, client key, body size, body shape — a request refused by any of them touches no
/// account.
///
/// `LoopConnection` asks in two steps (through `ClientRequestSequencer`), both on the
/// connection's loop: `plan` when the request's head has arrived (everything but the body
/// shape is decided there), `prepare` once its body has; only a request that goes upstream
/// gets a task (`proxy`).
struct ProxyResponder: ClientRequestDecider, Sendable {
    let provider: Provider
    let generation: Int
    let pid: Int32
    let routing: RoutingTable
    let settings: ProxySettingsBox
    let upstream: ProxyUpstream
    let logger: Logger

    typealias Plan = ClientRequestPlan<ProxyTarget, LocalAnswer>
    typealias Preparation = ClientRequestPreparation<LocalAnswer, ProxyStart>

    /// A request headed upstream, as its head described it.
    struct ProxyTarget: Sendable {
        let endpoint: ClientEndpoint
        let head: HTTP1RequestHead
        let query: String?
        let settings: ProxySettings
    }

    /// A request going upstream, once its body was read.
    struct ProxyStart: Sendable {
        let call: ProxyCall
        let session: String?
        let settings: ProxySettings
    }

    func plan(_ head: HTTP1RequestHead) -> Plan {
        let uri = URI(head.path)
        guard let endpoint = ClientEndpoint.route(provider: provider, method: head.method, path: uri.path) else {
            return .answer(LocalAnswer(status: 404, body: Self.notFound))
        }
        if endpoint == .health {
            let body = #"{"status":"ok","provider":"\#(provider.rawValue)","generation":\#(generation),"pid":\#(pid),"accounts":\#(routing.count)}"#
            return .answer(LocalAnswer(status: 200, body: Array(body.utf8)))
        }
        guard let settings = settings.settings else {
            return .answer(LocalAnswer(.noUsableAccount, provider: provider))
        }
        guard !settings.clientKeys.required || settings.clientKeys.accepts(Self.presentedKeys(head, uri: uri)) else {
            return .answer(LocalAnswer(.badClientKey, provider: provider))
        }
        if endpoint == .models {
            return .answer(LocalAnswer(status: 200, body: settings.modelsBody))
        }
        return .readBody(ProxyTarget(endpoint: endpoint, head: head, query: uri.query, settings: settings),
                         limit: settings.maxBodyBytes)
    }

    func tooLarge(limit: Int) -> LocalAnswer {
        LocalAnswer(.bodyTooLarge(limitBytes: limit), provider: provider)
    }

    func prepare(_ target: ProxyTarget, body: [UInt8]) -> Preparation {
        let inspected: ClientRequest
        switch ClientRequest.inspect(body, provider: provider) {
        case .success(let read): inspected = read
        case .failure(let error): return .answer(LocalAnswer(error, provider: provider))
        }
        let headers = target.head.fieldList
        let call = ProxyCall(endpoint: target.endpoint, query: target.query, headers: headers, body: body, request: inspected)
        let session = inspected.sessionKey(provider: provider) { name in
            headers.first { $0.name.caseInsensitiveEquals(name) }?.value
        }
        return .proxy(ProxyStart(call: call, session: session, settings: target.settings))
    }

    /// Runs a proxied request to its answer and writes it. From its start the client's hang-up
    /// cancels the upstream work done for it (`HangUpWatch`).
    /// `curl`: the client whose loop runs the task; the request's transfers go through it.
    func proxy(_ start: ProxyStart, hangUp: HangUpWatch, curl: CurlMultiClient, writer: some ClientAnswerWriter) async throws {
        guard hangUp.arm() else { throw ClientGone() }
        defer { hangUp.disarm() }
        let attempts = ProxyAttempts(
            settings: start.settings, routing: routing, upstream: upstream, curl: curl, logger: logger)
        let answer = await attempts.run(start.call, session: start.session)
        try await ResponseRelay.write(answer, provider: provider, routing: routing, to: writer)
    }

    private static let notFound = Array(#"{"error":{"code":404,"message":"not found"}}"#.utf8)

    /// Every credential the client presented, wherever SPEC §8 allows it.
    static func presentedKeys(_ head: HTTP1RequestHead, uri: URI) -> [String] {
        var keys: [String] = []
        if let authorization = head.value(of: "authorization"), let bearer = ClientKeys.bearer(authorization) { keys.append(bearer) }
        if let key = head.value(of: "x-api-key") { keys.append(key) }
        if let key = head.value(of: "x-goog-api-key") { keys.append(key) }
        if let key = uri.queryParameters["key"] { keys.append(String(key)) }
        return keys
    }
}

/// A whole JSON answer of the worker's own (SPEC §8's table, the health check, the models list).
struct LocalAnswer: Sendable {
    let head: AnswerHead
    let body: ByteBuffer

    init(status: Int, body: some Sequence<UInt8>, headers: [(name: String, value: String)] = []) {
        self.head = AnswerHead(status: status, fields: [("Content-Type", "application/json")] + headers)
        self.body = ByteBuffer(bytes: body)
    }

    init(_ error: ClientError, provider: Provider) {
        self.init(status: error.status, body: error.body(for: provider), headers: error.headers)
    }
}
