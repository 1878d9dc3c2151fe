import CCurl

/// The loop's descriptors that are not libcurl's, and the handlers waiting for the end of the
/// turn. Only the loop thread touches it. A class, not a struct: handlers call back into it
/// (watch, unwatch, end of turn) while it runs them, which a struct's exclusive access forbids.
///
/// Handlers are kept in an array indexed by descriptor (descriptors are small integers, the
/// lowest free one is reused): a ready socket is told apart from libcurl's with one load, no
/// hashing, on every event of every turn.
final class CurlLoopGuests {
    private var handlers: [(any CurlLoopHandler)?] = []
    private var endOfTurn: [any CurlLoopHandler] = []
    private var endOfTurnBatch: [any CurlLoopHandler] = []

    func handler(for fd: Int32) -> (any CurlLoopHandler)? {
        Int(fd) < handlers.count ? handlers[Int(fd)] : nil
    }

    /// Sets `fd`'s handler; returns whether `fd` was already watched.
    func set(_ handler: any CurlLoopHandler, for fd: Int32) -> Bool {
        let index = Int(fd)
        if index >= handlers.count { handlers.append(contentsOf: repeatElement(nil, count: index + 1 - handlers.count)) }
        defer { handlers[index] = handler }
        return handlers[index] != nil
    }

    func remove(_ fd: Int32) {
        if Int(fd) < handlers.count { handlers[Int(fd)] = nil }
    }

    func callAtEndOfTurn(_ handler: any CurlLoopHandler) {
        endOfTurn.append(handler)
    }

    /// Runs the end-of-turn handlers asked for so far; those they ask for wait for the next
    /// turn.
    func runEndOfTurn() {
        guard !endOfTurn.isEmpty else { return }
        swap(&endOfTurn, &endOfTurnBatch)
        for handler in endOfTurnBatch { handler.endOfTurn() }
        endOfTurnBatch.removeAll(keepingCapacity: true)
    }

    var hasEndOfTurnWork: Bool { !endOfTurn.isEmpty }

    // MARK: - The ticker

    private var tickInterval = Duration.zero
    private var tickBody: (() -> Void)?
    /// When the ticker runs next; nil without one.
    private(set) var nextTick: ContinuousClock.Instant?

    func tick(every interval: Duration, _ body: @escaping () -> Void) {
        tickInterval = interval
        tickBody = body
        nextTick = .now + interval
    }

    func stopTicking() {
        tickBody = nil
        nextTick = nil
    }

    /// Runs the ticker once if it is due; the next run is an interval later (late runs are
    /// not made up).
    func runTickerIfDue() {
        guard let next = nextTick, let body = tickBody else { return }
        let now = ContinuousClock.now
        guard next <= now else { return }
        nextTick = now + tickInterval
        body()
    }

    /// Epoll's event bits as the handler's events.
    static func events(_ bits: UInt32) -> CurlLoopEvents {
        var events: CurlLoopEvents = []
        if bits & SY_EPOLLIN != 0 { events.insert(.readable) }
        if bits & SY_EPOLLOUT != 0 { events.insert(.writable) }
        if bits & (SY_EPOLLERR | SY_EPOLLHUP) != 0 { events.insert(.hangUp) }
        return events
    }
}
