#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`, for state shared between callers and the loop thread.
///
/// Not `Synchronization.Mutex`: on Linux, when two threads contend, it waits and hands the lock
/// over through a priority-inheritance futex in code ThreadSanitizer does not see, so TSan
/// reports the accesses it guards as races (reproduced with a ten-line program) and the
/// sanitizer run could no longer vouch for this module. pthread mutexes are intercepted by TSan
/// and cost the same uncontended.
final class PosixMutex<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
