import Foundation
import SwitchyardCurl
import Synchronization
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Hand-over, crash restarts and hostile input on workers.sock (SPEC §1, §4).
final class WorkerSupervisionTests: XCTestCase {
    func testRestartHandsOverWithoutFailedRequests() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let before = try daemon.workers()
        let codex = try daemon.worker("codex")
        let loop = HealthLoop(url: "http://\(codex.listen)/healthz")
        loop.start()
        var pids: Set<Int32> = [codex.pid]
        for _ in 1...3 {
            let run = daemon.cli("workers", "restart", "codex")
            XCTAssertEqual(run.code, 0, run.stderr)
            pids.insert(try daemon.worker("codex").pid)
        }
        let counts = loop.stop()
        XCTAssertEqual(counts.failures, 0, "requests failed during hand-over: \(counts.lastError ?? "")")
        XCTAssertGreaterThan(counts.successes, 10)
        XCTAssertEqual(pids.count, 4, "each restart must bring a new codex process")
        XCTAssertGreaterThanOrEqual(counts.servedBy.count, 2, "requests must have reached several generations")
        let after = try daemon.workers()
        XCTAssertEqual(try daemon.worker("codex").generation, 4)
        XCTAssertEqual(try daemon.worker("codex").restarts, 0, "a hand-over is no crash restart")
        for provider in ["claude", "gemini"] {
            XCTAssertEqual(after.first { $0.provider == provider }, before.first { $0.provider == provider })
        }
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    func testKilledWorkerIsReplacedAndOthersUntouched() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let before = try daemon.workers()
        let gemini = try daemon.worker("gemini")
        kill(gemini.pid, SIGKILL)
        let replaced = eventually(timeout: .seconds(5)) {
            let row = try daemon.worker("gemini")
            let status = try daemon.get("http://\(row.listen)/healthz").status
            return row.pid != gemini.pid && status == 200
        }
        XCTAssertTrue(replaced, "a new gemini worker must be ready within 5 s\n\(daemon.log())")
        let after = try daemon.workers()
        XCTAssertEqual(after.first { $0.provider == "gemini" }?.restarts, 1)
        XCTAssertEqual(after.first { $0.provider == "gemini" }?.listen, gemini.listen)
        for provider in ["claude", "codex"] {
            XCTAssertEqual(after.first { $0.provider == provider }, before.first { $0.provider == provider })
        }
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// SPEC §1: a worker that crashes while the generation before it still drains is
    /// restarted with backoff, and the draining one finishes its stream meanwhile.
    func testAWorkerKilledWhileItsPredecessorDrainsIsRestarted() throws {
        let rig = try ProxyRig(provider: "codex")
        // Shorter than the stream: the draining generation must not be taken for hung either.
        try rig.daemon.editConfig { $0.replacingOccurrences(of: "heartbeat-timeout: 3s", with: "heartbeat-timeout: 1s") }
        // The first call streams for 3.6 s after its first event; every later one answers at once.
        try rig.addAccount("c1", api: ["slow_stream", "ok"], extra: ["stream_gap_ms": 600])
        try rig.start()
        let old = try rig.daemon.worker("codex")
        let stream = BackgroundStream(url: try rig.base + "/v1/responses", body: DataPathTests.codexStream)
        XCTAssertTrue(stream.waitForFirstChunk())
        let restart = rig.daemon.cli("workers", "restart", "codex")
        XCTAssertEqual(restart.code, 0, restart.stderr)
        let new = try rig.daemon.worker("codex")
        XCTAssertNotEqual(new.pid, old.pid)
        XCTAssertEqual(try rig.daemon.workers().first { $0.pid == old.pid }?.state, "draining",
                       "the kill must land while the old generation drains")
        kill(new.pid, SIGKILL)
        let answer = try XCTUnwrap(stream.finish())
        XCTAssertNil(answer.error, answer.body)
        XCTAssertTrue(answer.body.contains("event: response.completed"), "the old worker finished the stream: \(answer.body)")
        let replaced = eventually(timeout: .seconds(10)) {
            let row = try rig.daemon.worker("codex")
            return row.pid != new.pid && row.pid != old.pid
        }
        XCTAssertTrue(replaced, "a new codex worker must be ready after the backoff\n\(rig.daemon.log())")
        XCTAssertEqual(try rig.daemon.worker("codex").restarts, 1)
        XCTAssertEqual(try Client.post(try rig.base + "/v1/responses", DataPathTests.codexStream).status, 200)
        XCTAssertFalse(rig.daemon.log().contains("worker silent for heartbeat-timeout"), rig.daemon.log())
        rig.stop()
    }

    func testHostileInputOnWorkersSocketHarmsNothing() throws {
        let daemon = try TestDaemon()
        try daemon.startDaemon()
        let before = try daemon.workers()
        let socket = daemon.stateDir + "/workers.sock"
        XCTAssertTrue(try closesAfterSending(socket, Array("this is not json\n".utf8)))
        XCTAssertTrue(try closesAfterSending(socket, Array(#"{"type":"hello","provider":"codex","pid":1,"protocol":1,"token":"wrong"}"#.utf8) + [10]))
        XCTAssertTrue(try closesAfterSending(socket, Array(#"{"type":"hello","provider":"codex","pid":1,"protocol":99,"token":"x"}"#.utf8) + [10]))
        XCTAssertTrue(try closesAfterSending(socket, [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20)))
        XCTAssertEqual(try daemon.workers(), before, "workers must be untouched")
        for worker in before {
            XCTAssertEqual(try daemon.get("http://\(worker.listen)/healthz").status, 200)
        }
        XCTAssertEqual(daemon.cli("stop").code, 0)
    }

    /// Writes `bytes` to a fresh connection and reports whether the peer then closed it.
    private func closesAfterSending(_ path: String, _ bytes: [UInt8]) throws -> Bool {
        let fd = try connectUnix(path)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return true }  // closed under us: the bound was enforced early
            offset += written
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 || (count < 0 && errno == ECONNRESET) { return true }
            if count < 0 { return false }
        }
    }
}

func connectUnix(_ path: String) throws -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else {
        close(fd)
        throw TestFailure("cannot connect to \(path)")
    }
    return fd
}

/// A bounded client loop on one /healthz URL, on its own thread: a new connection per request
/// (`Connection: close`), at most 20,000 requests or until stopped.
final class HealthLoop: @unchecked Sendable {
    struct Counts {
        var successes = 0
        var failures = 0
        var lastError: String?
        var servedBy: Set<String> = []
    }

    private let url: String
    private let state = Mutex<(stop: Bool, counts: Counts)>((false, Counts()))
    private let done = DispatchSemaphore(value: 0)

    init(url: String) { self.url = url }

    func start() {
        Thread.detachNewThread { [self] in
            let client = CurlEasyClient()
            for _ in 0..<20_000 {
                if state.withLock({ $0.stop }) { break }
                let request = HTTPRequest(url: url, headers: [("Connection", "close")], timeout: .seconds(10))
                do {
                    let response = try client.perform(request)
                    let body = String(decoding: response.body, as: UTF8.self)
                    let pid = body.split(separator: ",").first { $0.hasPrefix("\"pid\"") }.map(String.init) ?? "?"
                    state.withLock {
                        if response.status == 200 {
                            $0.counts.successes += 1
                            $0.counts.servedBy.insert(pid)
                        } else {
                            $0.counts.failures += 1
                            $0.counts.lastError = "status \(response.status)"
                        }
                    }
                } catch {
                    state.withLock {
                        $0.counts.failures += 1
                        $0.counts.lastError = "\(error)"
                    }
                }
            }
            done.signal()
        }
    }

    func stop() -> Counts {
        state.withLock { $0.stop = true }
        done.wait()
        return state.withLock { $0.counts }
    }
}
