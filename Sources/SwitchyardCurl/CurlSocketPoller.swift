import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// The readiness source a `CurlMultiLoop` waits on: one epoll instance holding the sockets
/// libcurl asks to have watched (its socket callback), plus an eventfd other threads write to
/// end a wait early.
///
/// Why epoll and libcurl's socket API rather than `curl_multi_poll`: `curl_multi_poll` hands
/// the kernel every socket of every transfer on each turn and `curl_multi_perform` then visits
/// every transfer, so a turn costs O(transfers) even when one socket moved; with
/// `curl_multi_socket_action` a turn touches only the sockets that are ready.
///
/// Threads: `wake()` may be called from any thread while the poller is open (the inbox's lock
/// orders it before `close()`); everything else runs on the loop thread.
final class CurlSocketPoller: @unchecked Sendable {
    private let epoll: Int32
    private let wakeFD: Int32
    /// The last wait's ready descriptors and their epoll event bits, `readyCount` of them.
    private(set) var readyFDs: UnsafeMutablePointer<Int32>
    private(set) var readyEvents: UnsafeMutablePointer<UInt32>
    private(set) var readyCount = 0
    static let capacity = 64
    /// `epoll_ctl` and `epoll_wait` calls so far (tests count the loop's system calls with them).
    private(set) var controlCount = 0
    private(set) var waitCount = 0

    init?() {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { return nil }
        let wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeFD >= 0 else {
            Glibc.close(epoll)
            return nil
        }
        guard sy_epoll_control(epoll, SY_EPOLL_CTL_ADD, wakeFD, SY_EPOLLIN) == 0 else {
            Glibc.close(wakeFD)
            Glibc.close(epoll)
            return nil
        }
        self.epoll = epoll
        self.wakeFD = wakeFD
        readyFDs = .allocate(capacity: Self.capacity)
        readyEvents = .allocate(capacity: Self.capacity)
    }

    deinit {
        readyFDs.deallocate()
        readyEvents.deallocate()
    }

    /// Ends the current or next `wait` (any thread).
    func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    /// Watches `fd` for reading and/or writing; `isNew` says whether it is already watched.
    func watch(_ fd: Int32, reading: Bool, writing: Bool, isNew: Bool) {
        watch(fd, events: (reading ? SY_EPOLLIN : 0) | (writing ? SY_EPOLLOUT : 0), isNew: isNew)
    }

    func watch(_ fd: Int32, events: UInt32, isNew: Bool) {
        let result = control(isNew ? SY_EPOLL_CTL_ADD : SY_EPOLL_CTL_MOD, fd, events)
        // libcurl may close a socket without telling us first and get the same number again
        // for a new one, which epoll then no longer (or still) knows: try the other operation.
        if result == ENOENT || result == EEXIST {
            _ = control(result == ENOENT ? SY_EPOLL_CTL_ADD : SY_EPOLL_CTL_MOD, fd, events)
        }
    }

    /// Stops watching `fd`. A socket already closed has left epoll on its own.
    func unwatch(_ fd: Int32) {
        _ = control(SY_EPOLL_CTL_DEL, fd, 0)
    }

    /// Carries out what `CurlSockets` decided for `fd`.
    func apply(_ change: EpollChange, to fd: Int32) {
        switch change {
        case .none: break
        case .add(let events): watch(fd, events: events, isNew: true)
        case .modify(let events): watch(fd, events: events, isNew: false)
        case .delete: unwatch(fd)
        }
    }

    private func control(_ operation: Int32, _ fd: Int32, _ events: UInt32) -> Int32 {
        controlCount &+= 1
        return sy_epoll_control(epoll, operation, fd, events)
    }

    /// Waits at most `timeoutMs` for readiness and fills `readyFDs` / `readyEvents`. A wake-up
    /// is consumed here and not reported, so a `wake()` racing with it is never lost: the
    /// caller takes its commands after this returns.
    func wait(timeoutMs: Int32) {
        waitCount &+= 1
        let count = sy_epoll_wait(epoll, readyFDs, readyEvents, Int32(Self.capacity), timeoutMs)
        guard count > 0 else {
            readyCount = 0
            // Error path only: an epoll that fails at once would otherwise spin the thread.
            if count < 0 { _ = poll(nil, 0, 10) }
            return
        }
        var kept = 0
        for index in 0..<Int(count) {
            if readyFDs[index] == wakeFD {
                var counter: UInt64 = 0
                _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
                continue
            }
            readyFDs[kept] = readyFDs[index]
            readyEvents[kept] = readyEvents[index]
            kept += 1
        }
        readyCount = kept
    }

    /// Closes both descriptors; no `wake()` may follow.
    func close() {
        Glibc.close(wakeFD)
        Glibc.close(epoll)
    }
}
