import Foundation
import SwitchyardCurl
import Synchronization

/// A streaming POST run on its own thread, so a test can stop, restart or kill processes
/// while the stream is in flight and then look at what the client received.
final class BackgroundStream: Sendable {
    struct Outcome {
        var status = 0
        var body = ""
        var error: String?
    }

    private let outcome = Mutex(Outcome())
    private let firstChunk = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(url: String, body: String) {
        Thread.detachNewThread { [self] in
            let request = HTTPRequest(method: .post, url: url, headers: [("content-type", "application/json")],
                                      body: Array(body.utf8), timeout: .seconds(60))
            do {
                let head = try CurlEasyClient().perform(request, onHeaders: { _ in }, onChunk: { chunk in
                    let first = outcome.withLock { state in
                        defer { state.body += String(decoding: chunk, as: UTF8.self) }
                        return state.body.isEmpty
                    }
                    if first { firstChunk.signal() }
                    return true
                })
                outcome.withLock { $0.status = head.status }
            } catch {
                outcome.withLock { $0.error = "\(error)" }
            }
            firstChunk.signal()  // a stream that failed before its first chunk must not hang the test
            done.signal()
        }
    }

    /// Waits until the first chunk of the body has arrived (or the request failed).
    func waitForFirstChunk(timeout: Duration = .seconds(15)) -> Bool {
        firstChunk.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success
    }

    /// Waits for the stream to end and returns what the client got; nil if it did not end in time.
    func finish(timeout: Duration = .seconds(30)) -> Outcome? {
        guard done.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}
