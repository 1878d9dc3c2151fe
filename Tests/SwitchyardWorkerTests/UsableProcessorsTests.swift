import Foundation
import XCTest
@testable import SwitchyardWorker

final class UsableProcessorsTests: XCTestCase {
    /// The worker runs one loop per processor it may use. coreutils' `nproc` counts the same
    /// thing (the affinity mask), so under `taskset -c 0` both say 1; Foundation's
    /// `activeProcessorCount` would say how many are online.
    func testCountsTheProcessorsTheAffinityMaskAllows() throws {
        let nproc = Process()
        nproc.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        nproc.environment = [:]  // OMP_NUM_THREADS would change its answer
        let output = Pipe()
        nproc.standardOutput = output
        try nproc.run()
        nproc.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let expected = try XCTUnwrap(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(WorkerRuntime.usableProcessors(), expected)
    }
}
