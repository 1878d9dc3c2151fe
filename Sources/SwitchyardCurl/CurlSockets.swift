import CCurl

/// How the loop's epoll registration of one descriptor has to change.
enum EpollChange: Equatable {
    case none
    case add(UInt32)
    case modify(UInt32)
    case delete
}

/// What the loop's epoll holds for each of libcurl's sockets, by descriptor, and which of them
/// are parked. Only the loop thread touches it.
///
/// Parking: libcurl says `CURL_POLL_REMOVE` whenever a transfer ends, also when its connection
/// stays open for the next one, and watches the socket again as new when that one starts: a
/// `EPOLL_CTL_DEL` and an `EPOLL_CTL_ADD` per request on a kept-alive connection. Instead, a
/// socket that was watched for reading only stays in epoll, parked; watched again for reading
/// it costs nothing, for something else one `EPOLL_CTL_MOD`.
///
/// The rules that keep that safe:
/// - Only sockets libcurl opened through the loop's open-socket callback are parked: those are
///   closed through its close-socket callback (`closing`), so a parked number is never closed
///   behind the loop's back and handed to a new socket that epoll does not know (whose first
///   watch for reading would then be skipped, and its readiness never seen). Other sockets (the
///   threaded resolver's socket pair, closed with a bare `close`) are unwatched at once.
/// - A parked socket that becomes ready (the server closed the connection or sent something
///   unasked) is nobody's business: level-triggered, it would be reported on every turn, and
///   libcurl does not want it. The loop unwatches it for real (`parkedSocketIsReady`) and does
///   not hand it to libcurl, which finds a dead connection itself before it reuses one.
/// - A descriptor the loop's guests (`CurlLoop`) take forgets what was known of its number.
struct CurlSockets {
    private struct Entry {
        /// Opened through the loop's open-socket callback and not closed since.
        var opened = false
        /// In epoll with `events`.
        var registered = false
        var parked = false
        var events: UInt32 = 0
    }

    /// Indexed by descriptor, like the guests' handlers: descriptors are small integers.
    private var entries: [Entry] = []
    private(set) var parkedCount = 0

    func isParked(_ fd: Int32) -> Bool {
        fd >= 0 && Int(fd) < entries.count && entries[Int(fd)].parked
    }

    /// The parked descriptors, lowest first (for tests and diagnostics; walks the table).
    var parkedDescriptors: [Int32] {
        entries.indices.filter { entries[$0].parked }.map { Int32($0) }
    }

    /// libcurl opened `fd` through the loop's callback: it will be closed through `closing`.
    mutating func opened(_ fd: Int32) {
        update(fd) { entry, _ in entry = Entry(opened: true) }
    }

    /// libcurl wants `fd` watched for `events`; `isNew`: libcurl does not know it as watched
    /// (its per-socket pointer is unset).
    mutating func watch(_ fd: Int32, events: UInt32, isNew: Bool) -> EpollChange {
        update(fd) { entry, parkedCount in
            defer {
                entry.registered = true
                entry.events = events
            }
            if entry.parked {
                entry.parked = false
                parkedCount -= 1
                return entry.events == events ? .none : .modify(events)
            }
            // Not parked: trust libcurl, as before parking. A new socket whose number epoll
            // still knows (or an old one it forgot) is sorted out by the poller's fallback.
            return isNew ? .add(events) : .modify(events)
        }
    }

    /// libcurl no longer wants `fd` watched (`CURL_POLL_REMOVE`).
    mutating func remove(_ fd: Int32) -> EpollChange {
        update(fd) { entry, parkedCount in
            guard !entry.parked else { return .none }
            if entry.opened, entry.registered, entry.events == SY_EPOLLIN {
                entry.parked = true
                parkedCount += 1
                return .none
            }
            entry.registered = false
            return .delete
        }
    }

    /// libcurl is about to close `fd` (its close-socket callback). A socket still in epoll is
    /// taken out first: closing removes it only once no other descriptor refers to the same
    /// socket (a child process between fork and exec may hold one), and a stale registration
    /// would report its events under a number that may soon be someone else's.
    mutating func closing(_ fd: Int32) -> EpollChange {
        update(fd) { entry, parkedCount in
            let change: EpollChange = entry.registered ? .delete : .none
            if entry.parked { parkedCount -= 1 }
            entry = Entry()
            return change
        }
    }

    /// A parked socket reported readiness; returns whether it was parked (the caller then
    /// unwatches it and does not hand it to libcurl). The next watch adds it again.
    mutating func parkedSocketIsReady(_ fd: Int32) -> Bool {
        guard isParked(fd) else { return false }
        update(fd) { entry, parkedCount in
            entry.parked = false
            entry.registered = false
            parkedCount -= 1
        }
        return true
    }

    /// A guest of the loop took `fd`: whatever was known of the number belonged to a socket
    /// that is gone.
    mutating func forget(_ fd: Int32) {
        guard fd >= 0, Int(fd) < entries.count else { return }
        update(fd) { entry, parkedCount in
            if entry.parked { parkedCount -= 1 }
            entry = Entry()
        }
    }

    private mutating func update<T>(_ fd: Int32, _ body: (inout Entry, inout Int) -> T) -> T {
        precondition(fd >= 0, "a negative descriptor")
        let index = Int(fd)
        if index >= entries.count { entries.append(contentsOf: repeatElement(Entry(), count: index + 1 - entries.count)) }
        return body(&entries[index], &parkedCount)
    }
}
