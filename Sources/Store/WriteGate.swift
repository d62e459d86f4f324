import Foundation

/// Lets a write transaction that lost a race run alone among this process's writers on its next attempt.
///
/// On PostgreSQL writes are `SERIALIZABLE` and run side by side; when two collide, one fails (40001) and runs
/// again. Under steady contention (two threads updating one hot row) the retry collides again half the time,
/// so a bounded number of attempts runs out. So every first attempt holds the gate *shared* (free, concurrent),
/// and a retry holds it *exclusive*: it waits for the writes in flight to end, keeps new ones waiting, and runs
/// like a write under SQLite's single writer, so only another process can still beat it. A waiting retry has
/// rolled back and holds no row lock, so no shared holder can be waiting for it. Reads never touch the gate.
///
/// `@unchecked Sendable`: `shared`, `exclusive` and `waitingExclusive` are only touched under `condition`'s lock.
final class WriteGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var shared = 0
    private var exclusive = false
    /// Retries waiting: new shared holders wait behind them, or a stream of first attempts would starve them.
    private var waitingExclusive = 0

    /// Runs `body` beside other shared holders, after any retry waiting or running has finished.
    func withShared<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        while exclusive || waitingExclusive > 0 { condition.wait() }
        shared += 1
        condition.unlock()
        defer {
            condition.lock()
            shared -= 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// Runs `body` alone: after every shared holder has left, with new ones waiting until it returns.
    func withExclusive<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        waitingExclusive += 1
        while exclusive || shared > 0 { condition.wait() }
        waitingExclusive -= 1
        exclusive = true
        condition.unlock()
        defer {
            condition.lock()
            exclusive = false
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
