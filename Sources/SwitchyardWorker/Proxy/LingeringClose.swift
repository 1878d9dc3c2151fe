import HummingbirdCore
import NIOCore

/// Ends a connection whose request body was refused before it was all read (413), without
/// losing the answer. Closing a socket with unread input makes the kernel send a reset: the
/// client, still writing its body, fails with "connection reset" (most clients write the whole
/// body before they read), and a 413 not yet delivered is destroyed with the connection.
///
/// So, as Apache and nginx do: the answer is followed by a half-close (FIN: nothing more comes),
/// the rest of the body is read and dropped until it ends or `limit` passes, and only then is
/// the connection closed.
enum LingeringClose {
    /// Long enough for a client on a normal link to finish a body a few MiB over the limit;
    /// short enough that a client sending forever holds the connection only briefly.
    static let limit: Duration = .seconds(5)

    static func close(_ channel: any Channel, discarding rest: inout RequestBody.AsyncIterator, limit: Duration = limit) async {
        try? await channel.close(mode: .output)
        let deadline = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            try? await channel.close()
        }
        // Ends with the body's end, the client's close, or the deadline's close (an error).
        while (try? await rest.next()) != nil {}
        deadline.cancel()
        try? await channel.close()
    }
}
