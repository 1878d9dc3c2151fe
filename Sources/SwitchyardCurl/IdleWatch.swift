/// Tells when a transfer went silent for too long. Checked from libcurl's progress callback,
/// which runs about once a second even with no data, so it fires within about a second of the
/// limit.
///
/// Not libcurl's `CURLOPT_LOW_SPEED_TIME`: that one averages the speed over a 5-second window,
/// so after a burst it fires up to 5 s late, and it only counts whole seconds.
struct IdleWatch {
    let limit: Duration
    private(set) var lastActivity: ContinuousClock.Instant
    /// Header and body bytes received so far; bumped by the data callbacks.
    var bytesSeen = 0
    private var lastBytesSeen = 0
    private var lastUploaded = 0

    init(limit: Duration, lastActivity: ContinuousClock.Instant) {
        self.limit = limit
        self.lastActivity = lastActivity
    }

    /// Starts the silence over at `now`, as if bytes had just moved: a transfer whose consumer
    /// paused it is waiting for us, not for the server.
    mutating func restart(at now: ContinuousClock.Instant) {
        lastBytesSeen = bytesSeen
        lastActivity = now
    }

    /// Records progress up to `now`; `false` once nothing moved for longer than `limit`.
    mutating func noteProgress(uploaded: Int, now: ContinuousClock.Instant = .now) -> Bool {
        if bytesSeen != lastBytesSeen || uploaded != lastUploaded {
            lastBytesSeen = bytesSeen
            lastUploaded = uploaded
            lastActivity = now
            return true
        }
        return now - lastActivity <= limit
    }
}
