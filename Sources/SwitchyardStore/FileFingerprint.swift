import Glibc

/// Identifies one version of a file cheaply (one `stat`), so scans re-read only files that
/// changed. The inode catches atomic replacements (a rename brings a new inode even when size
/// and mtime match); size and nanosecond mtime catch in-place edits. An in-place edit that
/// keeps the size within one kernel timestamp tick can go unseen until the next change —
/// writers are expected to replace files atomically (SPEC §5).
struct FileFingerprint: Equatable, Sendable {
    var inode: UInt64
    var size: Int64
    var modifiedNanoseconds: Int64

    init(_ status: stat) {
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedNanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }
}
