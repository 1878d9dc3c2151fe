import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the detached POSIX thread a `CurlMultiLoop` runs on. Plain pthreads rather than
/// Foundation's `Thread`, so that this module does not depend on Foundation.
enum LoopThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void

        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// The thread's entry point: takes back the retain `start` gave the body.
    private static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { raw in
        guard let raw else { return nil }
        let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
        String(decoding: body.name.utf8.prefix(15), as: UTF8.self).withCString { sy_set_current_thread_name($0) }
        body.run()
        return nil
    }

    /// Runs `run` on a new detached thread named `name` (cut to the 15 bytes Linux keeps);
    /// returns the thread, or `nil` if it could not be created.
    static func start(name: String, _ run: @escaping @Sendable () -> Void) -> pthread_t? {
        let body = Unmanaged.passRetained(Body(name: name, run: run))
        let thread = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
        defer { thread.deallocate() }
        guard pthread_create(thread, nil, entry, body.toOpaque()) == 0 else {
            body.release()
            return nil
        }
        pthread_detach(thread.pointee)
        return thread.pointee
    }

    static func isCurrent(_ thread: pthread_t) -> Bool {
        pthread_equal(thread, pthread_self()) != 0
    }
}
