// Prototype (not part of the product): an HTTP/1.1 front and libcurl's multi socket API on ONE
// epoll loop per thread, to measure the ceiling of that design against nginx (docs/benchmarks.md,
// session 8). It forwards every request's body to UPSTREAM_URL as a POST and streams the answer
// back chunked. No validation, limits, timeouts or error handling: a measuring tool only.
//
//   loopproto PORT UPSTREAM_URL THREADS [task]
//
// `task` runs each request's upstream call inside a Swift Task on the loop's own executor (the
// loop is a SerialExecutor and TaskExecutor), as the worker's async attempt code would.
import CCurl
import Glibc

let args = CommandLine.arguments
let port = UInt16(args[1])!
let upstream = args[2]
let threads = Int(args[3]) ?? 1
let taskMode = args.count > 4 && args[4] == "task"

final class Conn {
    let fd: Int32
    var inbuf: [UInt8] = []
    var out: [UInt8] = []
    var body: [UInt8] = []
    var easy: UnsafeMutableRawPointer?
    var headSent = false
    var busy = false
    var cont: UnsafeContinuation<Int, Never>?
    unowned let loop: Loop
    init(fd: Int32, loop: Loop) { self.fd = fd; self.loop = loop; inbuf.reserveCapacity(4096) }

    var dirty = false
    var waitingOut = false
    func send(_ bytes: UnsafeRawBufferPointer) {
        out.append(contentsOf: bytes)
        if !dirty { dirty = true; loop.dirty.append(self) }
    }
    func flushOut() {
        dirty = false
        if out.isEmpty { return }
        let n = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n == out.count { out.removeAll(keepingCapacity: true); if waitingOut { waitingOut = false; _ = sy_epoll_control(loop.ep, SY_EPOLL_CTL_MOD, fd, SY_EPOLLIN) }; return }
        if n > 0 { out.removeFirst(n) }
        if !waitingOut { waitingOut = true; _ = sy_epoll_control(loop.ep, SY_EPOLL_CTL_MOD, fd, SY_EPOLLIN | SY_EPOLLOUT) }
    }
}

let clName: [UInt8] = Array("content-length:".utf8)
let headBytes: [UInt8] = Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
let endBytes: [UInt8] = Array("0\r\n\r\n".utf8)

final class Loop: SerialExecutor, TaskExecutor, @unchecked Sendable {
    var jobs: [UnownedJob] = []
    func enqueue(_ job: consuming ExecutorJob) { jobs.append(UnownedJob(job)) }
    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
    func runJobs() {
        while !jobs.isEmpty {
            let batch = jobs; jobs.removeAll(keepingCapacity: true)
            for j in batch { j.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor()) }
        }
    }

    let ep: Int32
    let multi: UnsafeMutableRawPointer
    let listenFD: Int32
    var conns: [Int32: Conn] = [:]
    var curlSockets = Set<Int32>()
    var deadline = -1
    var dirty: [Conn] = []
    var buf = [UInt8](repeating: 0, count: 16384)
    var headers: UnsafeMutablePointer<curl_slist>?
    let url: String

    init(listenFD: Int32, url: String) {
        self.listenFD = listenFD; self.url = url
        ep = epoll_create1(0)
        multi = curl_multi_init()!
        _ = sy_epoll_control(ep, SY_EPOLL_CTL_ADD, listenFD, SY_EPOLLIN | (1 << 28))  // EPOLLEXCLUSIVE: one loop woken per connection
        headers = curl_slist_append(nil, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Authorization: Bearer bench-at")
        headers = curl_slist_append(headers, "Expect:")
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = sy_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 1024)
        _ = sy_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        _ = sy_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        _ = sy_curl_multi_setopt_socket_function(multi, CURLMOPT_SOCKETFUNCTION) { _, s, what, userp, _ in
            let loop = Unmanaged<Loop>.fromOpaque(userp!).takeUnretainedValue()
            if what == SY_CURL_POLL_REMOVE {
                _ = sy_epoll_control(loop.ep, SY_EPOLL_CTL_DEL, s, 0); loop.curlSockets.remove(s)
            } else {
                var ev: UInt32 = 0
                if what & SY_CURL_POLL_IN != 0 { ev |= SY_EPOLLIN }
                if what & SY_CURL_POLL_OUT != 0 { ev |= SY_EPOLLOUT }
                if loop.curlSockets.insert(s).inserted {
                    _ = sy_epoll_control(loop.ep, SY_EPOLL_CTL_ADD, s, ev)
                } else {
                    _ = sy_epoll_control(loop.ep, SY_EPOLL_CTL_MOD, s, ev)
                }
            }
            return 0
        }
        _ = sy_curl_multi_setopt_timer_function(multi, CURLMOPT_TIMERFUNCTION) { _, ms, userp in
            let loop = Unmanaged<Loop>.fromOpaque(userp!).takeUnretainedValue()
            loop.deadline = ms < 0 ? -1 : nowMS() + Int(ms)
            return 0
        }
    }

    func run() {
        var fds = [Int32](repeating: 0, count: 64)
        var evs = [UInt32](repeating: 0, count: 64)
        while true {
            runJobs()
            for c in dirty { c.flushOut() }
            dirty.removeAll(keepingCapacity: true)
            let wait: Int32 = deadline < 0 ? -1 : Int32(max(0, deadline - nowMS()))
            let n = sy_epoll_wait(ep, &fds, &evs, 64, wait)
            defer {
                if deadline >= 0 && nowMS() >= deadline {
                    deadline = -1
                    var running: Int32 = 0
                    curl_multi_socket_action(multi, SY_CURL_SOCKET_TIMEOUT, 0, &running)
                    drain()
                }
            }
            for i in 0..<Int(max(n, 0)) {
                let fd = fds[i], ev = evs[i]
                if fd == listenFD { acceptAll(); continue }
                if curlSockets.contains(fd) {
                    var flags: Int32 = 0
                    if ev & SY_EPOLLIN != 0 { flags |= SY_CURL_CSELECT_IN }
                    if ev & SY_EPOLLOUT != 0 { flags |= SY_CURL_CSELECT_OUT }
                    if ev & (SY_EPOLLERR | SY_EPOLLHUP) != 0 { flags |= SY_CURL_CSELECT_ERR }
                    var running: Int32 = 0
                    curl_multi_socket_action(multi, fd, flags, &running)
                    drain()
                    continue
                }
                guard let c = conns[fd] else { continue }
                if ev & SY_EPOLLOUT != 0 { c.flushOut() }
                if ev & (SY_EPOLLIN | SY_EPOLLHUP | SY_EPOLLERR) != 0 { readClient(c) }
            }
        }
    }

    func acceptAll() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
            conns[fd] = Conn(fd: fd, loop: self)
            _ = sy_epoll_control(ep, SY_EPOLL_CTL_ADD, fd, SY_EPOLLIN)
        }
    }

    func close(_ c: Conn) {
        if let e = c.easy { curl_multi_remove_handle(multi, e); curl_easy_cleanup(e); c.easy = nil }
        _ = sy_epoll_control(ep, SY_EPOLL_CTL_DEL, c.fd, 0)
        Glibc.close(c.fd)
        conns[c.fd] = nil
    }

    func readClient(_ c: Conn) {
        while true {
            let n = buf.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, 16384) }
            if n == 0 { close(c); return }
            if n < 0 { break }
            c.inbuf.append(contentsOf: buf[0..<n])
            if n < 16384 { break }
        }
        tryStart(c)
    }

    func tryStart(_ c: Conn) {
        guard !c.busy else { return }
        let len = c.inbuf.count
        guard len >= 4 else { return }
        var headEnd = -1
        c.inbuf.withUnsafeBufferPointer { p in
            var i = 0
            while i + 3 < len { if p[i] == 13 && p[i+1] == 10 && p[i+2] == 13 && p[i+3] == 10 { headEnd = i + 4; break }; i += 1 }
        }
        guard headEnd > 0 else { return }
        // content-length, case-insensitive
        var cl = 0
        c.inbuf.withUnsafeBufferPointer { p in
            var i = 0
            outer: while i < headEnd - clName.count {
                if p[i] == 10 {
                    var j = 0
                    while j < clName.count && (p[i+1+j] | 0x20) == clName[j] { j += 1 }
                    if j == clName.count {
                        var k = i + 1 + j
                        while p[k] == 32 { k += 1 }
                        while p[k] >= 48 && p[k] <= 57 { cl = cl * 10 + Int(p[k] - 48); k += 1 }
                        break outer
                    }
                }
                i += 1
            }
        }
        guard len >= headEnd + cl else { return }
        c.body = Array(c.inbuf[headEnd..<(headEnd + cl)])
        c.inbuf.removeFirst(headEnd + cl)
        c.busy = true
        c.headSent = false
        if taskMode {
            Task(executorPreference: self) {
                _ = await withUnsafeContinuation { (k: UnsafeContinuation<Int, Never>) in c.cont = k; self.startEasy(c, cl) }
                if !c.headSent { c.headSent = true; headBytes.withUnsafeBytes { c.send($0) } }
                endBytes.withUnsafeBytes { c.send($0) }
                c.busy = false
                self.tryStart(c)
            }
        } else {
            startEasy(c, cl)
        }
    }

    func startEasy(_ c: Conn, _ cl: Int) {
        let e = c.easy ?? curl_easy_init()!
        c.easy = e
        _ = sy_curl_easy_setopt_long(e, CURLOPT_NOSIGNAL, 1)
        _ = sy_curl_easy_setopt_string(e, CURLOPT_URL, url)
        _ = sy_curl_easy_setopt_slist(e, CURLOPT_HTTPHEADER, headers)
        _ = sy_curl_easy_setopt_long(e, CURLOPT_POSTFIELDSIZE, cl)
        c.body.withUnsafeMutableBytes { _ = sy_curl_easy_setopt_pointer(e, CURLOPT_POSTFIELDS, $0.baseAddress) }
        _ = sy_curl_easy_setopt_pointer(e, CURLOPT_WRITEDATA, Unmanaged.passUnretained(c).toOpaque())
        _ = sy_curl_easy_setopt_pointer(e, CURLOPT_PRIVATE, Unmanaged.passUnretained(c).toOpaque())
        _ = sy_curl_easy_setopt_write_function(e, CURLOPT_WRITEFUNCTION) { ptr, size, n, userp in
            let c = Unmanaged<Conn>.fromOpaque(userp!).takeUnretainedValue()
            let count = size * n
            var chunk = [UInt8](); chunk.reserveCapacity(count + 32)
            if !c.headSent { chunk.append(contentsOf: headBytes); c.headSent = true }
            var hex = String(count, radix: 16).utf8.map { $0 }; hex += [13, 10]
            chunk.append(contentsOf: hex)
            chunk.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: count))
            chunk.append(contentsOf: [13, 10])
            chunk.withUnsafeBytes { c.send($0) }
            return count
        }
        curl_multi_add_handle(multi, e)
        var running: Int32 = 0
        curl_multi_socket_action(multi, SY_CURL_SOCKET_TIMEOUT, 0, &running)
        drain()
    }

    func drain() {
        var left: Int32 = 0
        while let m = curl_multi_info_read(multi, &left) {
            guard m.pointee.msg == CURLMSG_DONE, let e = m.pointee.easy_handle else { continue }
            var priv: UnsafeMutableRawPointer?
            _ = curl_easy_getinfo_pointer(e, &priv)
            let c = Unmanaged<Conn>.fromOpaque(priv!).takeUnretainedValue()
            curl_multi_remove_handle(multi, e)
            if let k = c.cont { c.cont = nil; k.resume(returning: 0); continue }
            if !c.headSent { c.headSent = true; headBytes.withUnsafeBytes { c.send($0) } }
            endBytes.withUnsafeBytes { c.send($0) }
            c.busy = false
            tryStart(c)
        }
    }
}

func curl_easy_getinfo_pointer(_ e: UnsafeMutableRawPointer, _ out: inout UnsafeMutableRawPointer?) -> CURLcode {
    var p: UnsafeMutableRawPointer?
    let r = sy_curl_easy_getinfo_pointer(e, CURLINFO_PRIVATE, &p)
    out = p; return r
}

func nowMS() -> Int { var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000 }
nonisolated(unsafe) var gListen: Int32 = 0
nonisolated(unsafe) var gURL = ""
func threadMain(_: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? { Loop(listenFD: gListen, url: gURL).run(); return nil }
curl_global_init(SY_CURL_GLOBAL_ALL)
let lfd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
var one: Int32 = 1
setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, 4)
var addr = sockaddr_in()
addr.sin_family = sa_family_t(AF_INET)
addr.sin_port = port.bigEndian
addr.sin_addr.s_addr = inet_addr("127.0.0.1")
_ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(lfd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
listen(lfd, 1024)
signal(SIGPIPE, SIG_IGN)
gListen = lfd; gURL = upstream
var tids: [pthread_t] = []
for _ in 1..<threads {
    var t = pthread_t()
    pthread_create(&t, nil, threadMain, nil)
    tids.append(t)
}
Loop(listenFD: lfd, url: upstream).run()
