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
        _ answer: ProxyAnswer, provider: Provider, routing: RoutingTable, to writer: some ClientAnswerWriter
    ) async throws {
        switch answer {
        case .abandoned:
            throw ClientGone()
        case .local(let error):
            let local = LocalAnswer(error, provider: provider)
            try await writer.write(local.head, body: local.body)
        case .buffered(let status, let headers, let body):
            try await writer.write(AnswerHead(status: status, fields: headers), body: ByteBuffer(bytes: body))
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

    private static func relay(
        head: HTTPResponseHead, exchange: UpstreamExchange, prefix: [UInt8], unwrap: GeminiStreamUnwrapper?,
        to writer: some ClientAnswerWriter
    ) async throws {
        var unwrapper = unwrap
        // A body passed through as it came keeps its length (`ProxyAttempts` leaves it in the head).
        let length = unwrap == nil ? head.header("content-length").flatMap { Int($0) } : nil
        let answerHead = AnswerHead(status: head.status, fields: head.headers, bodyLength: length)
        // What is here already goes out with the head; a complete answer in one write.
        var first = ByteBuffer(bytes: prefix)
        let (available, end) = exchange.takeAvailable()
        for chunk in available { append(chunk, to: &first, unwrapper: &unwrapper) }
        switch end {
        case .end:
            if unwrapper != nil { first.writeBytes(unwrapper!.finish()) }
            try await writer.write(answerHead, body: first)
            return
        case .failed(let error):
            // The upstream failed before the head went out, after the answer was decided:
            // the client still gets what arrived, then the cut — closing with nothing
            // written would leave it an empty reply that tells it nothing.
            try await writer.writeHead(answerHead)
            if first.readableBytes > 0 { try await writer.write(first) }
            throw UpstreamCut(error: error)
        case .data, nil:
            break
        }
        try await writer.writeHead(answerHead)
        if first.readableBytes > 0 { try await writer.write(first) }
        while true {
            switch await exchange.next() {
            case .data(let chunks):
                if unwrapper != nil {
                    var out = ByteBuffer()
                    for chunk in chunks { append(chunk, to: &out, unwrapper: &unwrapper) }
                    if out.readableBytes > 0 { try await writer.write(out) }
                } else {
                    try await writer.write(contentsOf: chunks)
                }
            case .end:
                if unwrapper != nil {
                    let tail = unwrapper!.finish()
                    if !tail.isEmpty { try await writer.write(ByteBuffer(bytes: tail)) }
                }
                try await writer.finish()
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
}
