import HTTPTypes
import HummingbirdCore
import NIOCore
import SwitchyardCore
import SwitchyardCurl

/// Writes a `ProxyAnswer` to the client. A stream goes out chunk by chunk as libcurl
/// delivers it; the writer's back-pressure (a slow client) pauses the upstream transfer
/// through `UpstreamExchange`'s bound. Should the upstream fail mid-stream, the connection
/// is closed without ending the body, so the client sees a cut response, never a short
/// "complete" one.
enum ResponseRelay {
    struct UpstreamCut: Error, CustomStringConvertible {
        let error: CurlError
        var description: String { "upstream stream failed after the first byte: \(error)" }
    }

    static func write(
        _ answer: ProxyAnswer, provider: Provider, routing: RoutingTable, to writer: consuming ResponseWriter
    ) async throws {
        switch answer {
        case .abandoned:
            throw ClientGone()
        case .local(let error):
            try await writeLocal(error, provider: provider, to: writer)
        case .buffered(let status, let headers, let body):
            var fields = fields(headers)
            fields[.contentLength] = String(body.count)
            try await writer.write(
                response: HTTPResponse(status: .init(code: status), headerFields: fields),
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .stream(let head, let exchange, let prefix, let unwrap, let accountID):
            defer { routing.finished(accountID) }
            // A hang-up meanwhile cancels the transfer through the task (`HangUpWatch`); the
            // next wait on the exchange then reports it.
            do {
                try await relay(head: head, exchange: exchange, prefix: prefix, unwrap: unwrap, to: writer)
            } catch {
                exchange.cancel()
                throw error
            }
        }
    }

    static func writeLocal(_ error: ClientError, provider: Provider, to writer: consuming ResponseWriter) async throws {
        try await writeJSON(status: error.status, body: error.body(for: provider), headers: error.headers, to: writer)
    }

    /// A whole JSON answer of the worker's own, in one write.
    static func writeJSON(
        status: Int, body: some Sequence<UInt8>, headers: [(name: String, value: String)] = [],
        to writer: consuming ResponseWriter
    ) async throws {
        let buffer = ByteBuffer(bytes: body)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(buffer.readableBytes)
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        try await writer.write(response: HTTPResponse(status: .init(code: status), headerFields: fields),
                               body: .init(byteBuffer: buffer))
    }

    private static func relay(
        head: HTTPResponseHead, exchange: UpstreamExchange, prefix: [UInt8], unwrap: GeminiStreamUnwrapper?,
        to writer: consuming ResponseWriter
    ) async throws {
        var unwrapper = unwrap
        var fields = fields(head.headers)
        // What is here already goes out with the head; a complete answer in one write.
        var first = ByteBuffer(bytes: prefix)
        let (available, end) = exchange.takeAvailable()
        for chunk in available { append(chunk, to: &first, unwrapper: &unwrapper) }
        switch end {
        case .end:
            if unwrapper != nil { first.writeBytes(unwrapper!.finish()) }
            fields[.contentLength] = String(first.readableBytes)
            try await writer.write(response: HTTPResponse(status: .init(code: head.status), headerFields: fields),
                                   body: .init(byteBuffer: first))
            return
        case .failed(let error):
            // The upstream failed before the head went out, after the answer was decided:
            // the client still gets what arrived, then the cut — closing with nothing
            // written would leave it an empty reply that tells it nothing.
            var body = try await writer.writeHead(HTTPResponse(status: .init(code: head.status), headerFields: fields))
            if first.readableBytes > 0 { try await body.write(first) }
            throw UpstreamCut(error: error)
        case .data, nil:
            break
        }
        var body = try await writer.writeHead(HTTPResponse(status: .init(code: head.status), headerFields: fields))
        if first.readableBytes > 0 { try await body.write(first) }
        while true {
            switch await exchange.next() {
            case .data(let chunks):
                if unwrapper != nil {
                    var out = ByteBuffer()
                    for chunk in chunks { append(chunk, to: &out, unwrapper: &unwrapper) }
                    if out.readableBytes > 0 { try await body.write(out) }
                } else if chunks.count == 1 {
                    try await body.write(chunks[0])
                } else {
                    try await body.write(contentsOf: chunks)
                }
            case .end:
                if unwrapper != nil {
                    let tail = unwrapper!.finish()
                    if !tail.isEmpty { try await body.write(ByteBuffer(bytes: tail)) }
                }
                try await body.finish(nil)
                return
            case .failed(let error):
                throw UpstreamCut(error: error)
            }
        }
    }

    private static func append(_ chunk: ByteBuffer, to out: inout ByteBuffer, unwrapper: inout GeminiStreamUnwrapper?) {
        if unwrapper != nil {
            out.writeBytes(unwrapper!.feed(Array(chunk.readableBytesView)))
        } else {
            var chunk = chunk
            out.writeBuffer(&chunk)
        }
    }

    /// Header pairs as HTTP fields; names HTTP does not allow are dropped.
    static func fields(_ headers: [(name: String, value: String)]) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }
}
