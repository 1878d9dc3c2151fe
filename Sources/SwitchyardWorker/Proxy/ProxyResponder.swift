import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import SwitchyardCore

/// Answers every request on the worker's client port (SPEC §8): `GET /healthz`, the models
/// list, and the provider's API, proxied through the pool. Checks come cheapest first:
/// route, client key, body size, body shape — a request refused by any of them touches no
/// account.
struct ProxyResponder: Sendable {
    let provider: Provider
    let generation: Int
    let pid: Int32
    let routing: RoutingTable
    let settings: ProxySettingsBox
    let upstream: ProxyUpstream
    let logger: Logger

    func respond(_ request: Request, _ writer: consuming ResponseWriter, _ channel: any Channel) async throws {
        guard let endpoint = ClientEndpoint.route(provider: provider, method: request.method.rawValue, path: request.uri.path) else {
            return try await ResponseRelay.writeJSON(status: 404, body: Self.notFound, to: writer)
        }
        if endpoint == .health {
            let body = #"{"status":"ok","provider":"\#(provider.rawValue)","generation":\#(generation),"pid":\#(pid),"accounts":\#(routing.count)}"#
            return try await ResponseRelay.writeJSON(status: 200, body: body.utf8, to: writer)
        }
        guard let settings = settings.settings else {
            return try await ResponseRelay.writeLocal(.noUsableAccount, provider: provider, to: writer)
        }
        guard !settings.clientKeys.required || settings.clientKeys.accepts(Self.presentedKeys(request)) else {
            return try await ResponseRelay.writeLocal(.badClientKey, provider: provider, to: writer)
        }
        if endpoint == .models {
            return try await ResponseRelay.writeJSON(status: 200, body: settings.modelsBody, to: writer)
        }
        let body: [UInt8]
        switch try await Self.readBody(request, limit: settings.maxBodyBytes) {
        case .complete(let read): body = read
        case .tooLarge(var rest):
            try await ResponseRelay.writeLocal(.bodyTooLarge(limitBytes: settings.maxBodyBytes), provider: provider, to: writer)
            // The rest of the body is not read for use: the connection cannot serve another request.
            await LingeringClose.close(channel, discarding: &rest)
            return
        }
        let inspected: ClientRequest
        switch ClientRequest.inspect(body, provider: provider) {
        case .success(let read): inspected = read
        case .failure(let error): return try await ResponseRelay.writeLocal(error, provider: provider, to: writer)
        }
        let headers = request.headers.map { ($0.name.rawName, $0.value) }
        let call = ProxyCall(endpoint: endpoint, query: request.uri.query, headers: headers, body: body, request: inspected)
        let session = inspected.sessionKey(provider: provider) { name in
            HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        // From here on the client's hang-up cancels the upstream work done for it (`HangUpWatch`).
        let hangUp = HangUpWatch.current
        guard hangUp?.arm() != false else { throw ClientGone() }
        defer { hangUp?.disarm() }
        let attempts = ProxyAttempts(settings: settings, routing: routing, upstream: upstream, eventLoop: channel.eventLoop, logger: logger)
        let answer = await attempts.run(call, session: session)
        try await ResponseRelay.write(answer, provider: provider, routing: routing, to: writer)
    }

    private static let notFound = Array(#"{"error":{"code":404,"message":"not found"}}"#.utf8)


    enum BodyRead {
        case complete([UInt8])
        /// Larger than the limit (announced or as it arrived); `rest` reads what is left of it.
        case tooLarge(rest: RequestBody.AsyncIterator)
    }

    static func readBody(_ request: Request, limit: Int) async throws -> BodyRead {
        var iterator = request.body.makeAsyncIterator()
        if let announced = request.headers[.contentLength].flatMap(Int.init), announced > limit { return .tooLarge(rest: iterator) }
        var body: [UInt8] = []
        while let buffer = try await iterator.next() {
            guard body.count + buffer.readableBytes <= limit else { return .tooLarge(rest: iterator) }
            body.append(contentsOf: buffer.readableBytesView)
        }
        return .complete(body)
    }

    /// Every credential the client presented, wherever SPEC §8 allows it.
    static func presentedKeys(_ request: Request) -> [String] {
        var keys: [String] = []
        if let authorization = request.headers[.authorization], let bearer = ClientKeys.bearer(authorization) { keys.append(bearer) }
        if let name = HTTPField.Name("x-api-key"), let key = request.headers[name] { keys.append(key) }
        if let name = HTTPField.Name("x-goog-api-key"), let key = request.headers[name] { keys.append(key) }
        if let key = request.uri.queryParameters["key"] { keys.append(String(key)) }
        return keys
    }
}
