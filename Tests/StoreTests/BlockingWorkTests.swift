import Foundation
import Testing
@testable import Store

/// `BlockingWork` runs on threads of its own: work blocked there never delays a task on the cooperative pool.
struct BlockingWorkTests {
    @Test func blockedWorkLeavesTheCooperativePoolFree() async throws {
        let blocked = max(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
        let release = DispatchSemaphore(value: 0), probeRan = DispatchSemaphore(value: 0)
        let released = Flag()
        // A plain thread lets the work go when the probe ran, or after 3 s if the probe cannot run.
        Thread {
            _ = probeRan.wait(timeout: .now() + 3)
            released.set()
            for _ in 0..<blocked { release.signal() }
        }.start()
        let probe = try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<blocked { group.addTask { try await BlockingWork.run { release.wait() } } }
            // The jobs go first, so that if they landed on the cooperative pool they would hold its threads.
            await Task.yield()
            let ranWhileBlocked = await Task.detached { !released.isSet }.value
            probeRan.signal()
            try await group.waitForAll()
            return ranWhileBlocked
        }
        #expect(probe, "a task had to wait for blocked BlockingWork jobs")
    }

    @Test func resultsAndErrorsReachTheCaller() async throws {
        struct Expected: Error {}
        #expect(try await BlockingWork.run { 6 * 7 } == 42)
        await #expect(throws: Expected.self) { try await BlockingWork.run { throw Expected() } }
    }
}

/// A flag set by one thread and read by another.
///
/// `@unchecked Sendable`: `value` is only touched under `lock`.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
