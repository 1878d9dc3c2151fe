import Synchronization

/// Streamed API answers as the simulator delivers them, process-wide (every stream goes
/// through `Reply.sse` or `Reply.truncated`): how many are being written now, and how many
/// ended because the client went away. Tests read them to see that a proxy cancels its
/// upstream transfer when its own client disconnects, and that a stream is still running
/// when its first event has reached the client.
enum StreamCounters {
    private static let open = Atomic<Int>(0)
    private static let abandoned = Atomic<Int>(0)

    static func opened() { open.add(1, ordering: .relaxed) }

    static func closed(byClient: Bool) {
        open.subtract(1, ordering: .relaxed)
        if byClient { abandoned.add(1, ordering: .relaxed) }
    }

    static func json() -> [(String, JSON)] {
        [("api_streams_open", .int(open.load(ordering: .relaxed))),
         ("api_streams_abandoned", .int(abandoned.load(ordering: .relaxed)))]
    }
}
