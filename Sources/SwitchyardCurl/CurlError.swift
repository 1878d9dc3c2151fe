/// Why a transfer failed. `code` is for decisions (retry another account, report a timeout),
/// `message` is libcurl's own detail for humans and logs, `curlCode` the raw `CURLcode` number.
///
/// An HTTP error status (4xx, 5xx) is not a `CurlError`: it is a response like any other.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failures callers tell apart. Anything else is `.other`, with the raw number in
    /// `curlCode`.
    public enum Code: Sendable, Hashable {
        /// The request could not be sent as given (a header with a line break, a NUL byte, an
        /// option libcurl refused). Nothing went on the wire.
        case invalidRequest
        case unsupportedProtocol
        case malformedURL
        case couldNotResolveProxy
        case couldNotResolveHost
        case couldNotConnect
        /// The proxy refused or failed the handshake (SOCKS or `CONNECT`).
        case proxyFailure
        /// `timeout`, `connectTimeout` or `idleTimeout` ran out.
        case timedOut
        case tlsConnectFailed
        /// The server's certificate (or its name) did not verify.
        case peerVerificationFailed
        case sendFailed
        case receiveFailed
        /// The server closed the connection without sending anything.
        case emptyReply
        /// The connection ended before the announced body did.
        case partialBody
        /// An HTTP/2 framing or stream error (e.g. the server reset the stream).
        case http2
        case weirdServerReply
        /// The caller's `onChunk` returned `false`.
        case abortedByCallback
        /// The awaiting task was cancelled, `CurlTransfer.cancel()` was called, or the
        /// `CurlMultiClient` was shut down.
        case cancelled
        /// libcurl could not be initialised or could not allocate.
        case initFailed
        case other
    }

    public let code: Code
    /// The raw `CURLcode` (0 for failures detected before libcurl ran, e.g. `.invalidRequest`).
    public let curlCode: Int
    public let message: String

    public init(code: Code, curlCode: Int, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
    }

    public var description: String {
        "curl error \(curlCode) (\(code)): \(message)"
    }
}

extension CurlError.Code {
    /// Maps a raw `CURLcode`. The numbers are libcurl's stable ABI (they never change meaning),
    /// which is why they are spelled out rather than taken from the C enum: this stays pure and
    /// testable without a handle.
    init(curlCode: Int) {
        self = Self.byCurlCode[curlCode] ?? .other
    }

    private static let byCurlCode: [Int: CurlError.Code] = [
        1: .unsupportedProtocol,     // CURLE_UNSUPPORTED_PROTOCOL
        2: .initFailed,              // CURLE_FAILED_INIT
        3: .malformedURL,            // CURLE_URL_MALFORMAT
        5: .couldNotResolveProxy,    // CURLE_COULDNT_RESOLVE_PROXY
        6: .couldNotResolveHost,     // CURLE_COULDNT_RESOLVE_HOST
        7: .couldNotConnect,         // CURLE_COULDNT_CONNECT
        8: .weirdServerReply,        // CURLE_WEIRD_SERVER_REPLY
        16: .http2,                  // CURLE_HTTP2
        18: .partialBody,            // CURLE_PARTIAL_FILE
        27: .initFailed,             // CURLE_OUT_OF_MEMORY
        28: .timedOut,               // CURLE_OPERATION_TIMEDOUT
        35: .tlsConnectFailed,       // CURLE_SSL_CONNECT_ERROR
        43: .invalidRequest,         // CURLE_BAD_FUNCTION_ARGUMENT
        48: .invalidRequest,         // CURLE_UNKNOWN_OPTION
        52: .emptyReply,             // CURLE_GOT_NOTHING
        55: .sendFailed,             // CURLE_SEND_ERROR
        56: .receiveFailed,          // CURLE_RECV_ERROR
        60: .peerVerificationFailed, // CURLE_PEER_FAILED_VERIFICATION
        92: .http2,                  // CURLE_HTTP2_STREAM
        97: .proxyFailure,           // CURLE_PROXY
    ]
}
