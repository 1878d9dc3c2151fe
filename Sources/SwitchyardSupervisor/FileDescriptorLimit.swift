#if canImport(Glibc)
import Glibc
#endif

/// The open-file limit of the supervisor and the workers it starts (they inherit it).
///
/// A worker holds a descriptor per client connection and per upstream connection it keeps
/// (libcurl keeps up to 1,024); systemd and most shells start services with a soft limit of
/// 1,024, at which accept(2) starts failing under load. The hard limit is the administrator's
/// word on what the process may use, so the soft limit is raised to it, as nginx's
/// `worker_rlimit_nofile` and Go's runtime do.
enum FileDescriptorLimit {
    /// The soft limit before and after; unchanged when it already equals the hard limit or the
    /// kernel refuses.
    @discardableResult
    static func raiseToHardLimit() -> (before: UInt64, after: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return (before, UInt64(raised.rlim_cur)) }
        // RLIM_INFINITY as hard limit: the kernel caps the soft one at fs.nr_open.
        raised.rlim_cur = rlim_t(1 << 20)
        if raised.rlim_cur < limit.rlim_max, setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 {
            return (before, UInt64(raised.rlim_cur))
        }
        return (before, before)
    }
}
