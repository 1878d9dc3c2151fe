/// The `CurlMultiClient` loop the calling code runs on — a task on `client.executor`, a sink, a
/// `CurlLoopHandler` — for descriptors of its own next to libcurl's, on the same epoll: what
/// lets the worker serve its clients on the thread that talks to the upstreams
/// (docs/single-loop-worker.md).
///
/// Not `Sendable`: valid on its loop thread only, which `current` guarantees.
public struct CurlLoop {
    private unowned let loop: CurlMultiLoop

    private init(_ loop: CurlMultiLoop) {
        self.loop = loop
    }

    /// The loop of the calling thread; `nil` off every client's thread.
    public static var current: CurlLoop? {
        CurlMultiLoop.current.map(CurlLoop.init)
    }

    /// Watches `fd` (non-blocking, owned by the caller) for reading and/or writing; `handler`
    /// hears each readiness (level-triggered: again next turn while it lasts). Called again,
    /// it changes the interest or the handler. The loop holds `handler` until `unwatch`.
    public func watch(_ fd: Int32, reading: Bool, writing: Bool, handler: any CurlLoopHandler) {
        loop.watch(fd, reading: reading, writing: writing, handler: handler)
    }

    /// Stops watching `fd`; call it before closing `fd`, whose number the next socket (maybe
    /// libcurl's) gets.
    public func unwatch(_ fd: Int32) {
        loop.unwatch(fd)
    }

    /// Calls `handler.endOfTurn()` once, before the loop next waits.
    public func runAtEndOfTurn(_ handler: any CurlLoopHandler) {
        loop.runAtEndOfTurn(handler)
    }

    /// Runs `body` on the loop every `interval` (never early; a late run is not made up)
    /// until `stopTicking`; one ticker per loop, a new one replaces the last. The loop's own
    /// wait times it: no timer thread, no task woken from elsewhere, and nothing at all while
    /// stopped — a `Task.sleep` loop would cost an idle worker wake-ups on three threads ten
    /// times a second.
    public func tick(every interval: Duration, _ body: @escaping () -> Void) {
        loop.tick(every: interval, body)
    }

    public func stopTicking() {
        loop.stopTicking()
    }
}
