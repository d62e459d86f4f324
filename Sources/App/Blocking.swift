import Foundation

/// Runs `operation` to completion from synchronous code and returns its result.
///
/// The bridge from a plain thread into async code: the responder's workers and the CLI's main thread are not
/// tasks, exchange clients are async. Only call this from such a thread, never from inside a task on the
/// cooperative pool, which it would block (and with every pool thread waiting, nothing would run the task).
/// The opposite direction, async code that must make a blocking call, is `BlockingWork.run` (Store) or the
/// `async` `Database.read`/`write`. CONCURRENCY.md has the whole model.
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
