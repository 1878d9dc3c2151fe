import SwitchyardCore
import SwitchyardCurl

/// What the worker answers a client, decided before the first byte goes out (SPEC §8):
/// everything up to here may still move to another account; writing it may not.
enum ProxyAnswer {
    /// The worker's own error (SPEC §8's table).
    case local(ClientError)
    /// A whole answer: an upstream error passed on, or a body collected and rewritten.
    case buffered(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// A 2xx stream: `prefix` (held back while the gate looked at the stream's start) goes
    /// first, then everything `exchange` still delivers, unwrapped when `unwrap` is set.
    /// `accountID` is released (`RoutingTable.finished`) when the stream ends.
    case stream(head: HTTPResponseHead, exchange: UpstreamExchange, prefix: [UInt8],
                unwrap: GeminiStreamUnwrapper?, accountID: String)
    /// The client hung up first: nothing is written, the connection is closed.
    case abandoned
}
