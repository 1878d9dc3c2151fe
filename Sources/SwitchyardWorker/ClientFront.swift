/// The worker's HTTP front on the listening socket the supervisor handed over: NIO's
/// (`ClientServer`) or the one on libcurl's loop (`LoopFront`, docs/single-loop-worker.md).
///
/// Lifecycle (SPEC §1 hand-over): the socket is held but not served until `startAccepting`
/// (two processes must never accept on one socket at once); `stopAccepting` closes this
/// process's copy of the socket — connections that arrive afterwards wait in the kernel
/// backlog for the next generation — while requests already being read run to completion;
/// `drain` asks them to finish and waits for them, up to a deadline.
///
/// All methods are called from the worker's single control task, one at a time.
protocol ClientFront: AnyObject, Sendable {
    func startAccepting() async throws
    /// Closes this process's copy of the listening socket; returns once it is closed.
    func stopAccepting() async
    /// Stops accepting, asks every connection to close after its current request, and waits
    /// until all have closed or `deadline` passed. Returns whether everything finished in time.
    func drain(until deadline: ContinuousClock.Instant) async -> Bool
}
