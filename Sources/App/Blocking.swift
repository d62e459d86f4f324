import Foundation

/// Runs `operation` to completion from synchronous code and returns its result.
///
/// The responder's workers and the CLI are plain threads, not tasks; exchange clients are async. Only call
/// this from such a thread, never from inside a task on the cooperative pool, which it would block.
public func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = await operation()
        done.signal()
    }
    done.wait()
    return box.value!
}

/// Carries a task's result back to the waiting thread.
///
/// `@unchecked Sendable`: written once by the task before `signal()`, read once after `wait()`; the
/// semaphore orders the two.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
