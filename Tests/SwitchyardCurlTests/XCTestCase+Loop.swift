import Foundation
import XCTest
@testable import SwitchyardCurl

/// Running test code on a `CurlMultiClient`'s loop thread.
extension XCTestCase {
    /// The calling thread's name ("curl-test" on a test client's thread).
    static func threadName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func threadName(on executor: CurlLoopExecutor) async -> String {
        let task = Task(executorPreference: executor) { threadName() }
        return await task.value
    }

    /// Runs `body` as a task preferring `client.executor`; fails instead of hanging if it has not
    /// finished within 30 s (a job or command the loop never takes would stall it).
    func onLoop<T: Sendable>(_ client: CurlMultiClient, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask(executorPreference: client.executor) { try await body() }
            group.addTask { try await Task.sleep(for: .seconds(30)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                XCTFail("the task on the loop did not finish within 30 s")
                throw CancellationError()
            }
            return value
        }
    }
}
