/// Idle easy handles of one `CurlMultiClient`, reused so that a transfer does not pay for
/// creating a handle (its buffers, its TLS session cache) every time. Connections live in the
/// multi handle's cache whatever handle uses them; TLS sessions live in the shared `CurlShare`.
/// Loop thread only.
struct CurlEasyHandlePool {
    private var idle: [CurlEasyHandle] = []
    private let share: CurlShare?
    /// Handles beyond this many idle ones are cleaned up instead of kept: a burst of concurrent
    /// transfers should not pin its peak memory for ever.
    private let capacity: Int

    init(share: CurlShare?, capacity: Int = 256) {
        self.share = share
        self.capacity = capacity
    }

    mutating func take() throws(CurlError) -> CurlEasyHandle {
        if let handle = idle.popLast() { return handle }
        return try CurlEasyHandle.make(share: share)
    }

    /// Takes back a handle that is no longer in the multi handle.
    mutating func give(_ handle: CurlEasyHandle) {
        handle.reset()
        if idle.count < capacity { idle.append(handle) }
    }

    mutating func removeAll() {
        idle.removeAll()
    }
}
