import HTTPTypes
import NIOCore

/// `ClientAnswerWriter` on NIO's pipeline (`ClientRequestHandler`). Every call runs on the
/// connection's event loop, where the task normally already is (the worker runs Swift
/// concurrency on NIO's loops, `WorkerMain`); from elsewhere it hops there first.
struct ClientResponseWriter: ClientAnswerWriter {
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the client connection closed before the answer was written" }
    }

    private let connection: NIOLoopBound<ClientRequestHandler>
    private let eventLoop: any EventLoop

    init(_ handler: ClientRequestHandler, eventLoop: any EventLoop) {
        self.connection = NIOLoopBound(handler, eventLoop: eventLoop)
        self.eventLoop = eventLoop
    }

    /// A whole answer: head, body and end in one write.
    func write(_ head: HTTPResponse, body: ByteBuffer) async throws {
        try await onLoop { try $0.sendWhole(head, body: body) }
    }

    func writeHead(_ head: HTTPResponse) async throws {
        try await onLoop { try $0.sendHead(head) }
    }

    /// Returns once the connection can take more.
    func write(contentsOf pieces: some Collection<ByteBuffer> & Sendable) async throws {
        if let writable = try await onLoop({ try $0.sendBody(pieces) }) {
            try await writable.get()
        }
    }

    /// Ends the answer.
    func finish() async throws {
        try await onLoop { try $0.sendEnd() }
    }

    private func onLoop<Result: Sendable>(
        _ body: @escaping @Sendable (ClientRequestHandler) throws -> Result
    ) async throws -> Result {
        if eventLoop.inEventLoop { return try body(connection.value) }
        let connection = self.connection
        return try await eventLoop.submit { try body(connection.value) }.get()
    }
}
