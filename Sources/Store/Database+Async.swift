import Foundation

/// Database work from async code, run on `BlockingWork`'s threads instead of the cooperative pool.
///
/// SQLite waits for its busy timeout (up to 5 s) and `fsync`s on commit; done on the cooperative pool (two
/// threads on a 2-core VPS) that wait stalls every exchange call in the process. Async callers therefore get
/// these overloads: same closure, same transaction, but the calling task suspends while a GCD thread blocks.
extension Database {
    /// `read(_:)` on a blocking-work thread; the task suspends until it returns.
    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.read(body) }
    }

    /// `write(_:)` on a blocking-work thread; the task suspends until it commits or rolls back.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.write(body) }
    }
}

/// Runs blocking calls (SQLite, `flock`, `fsync`, later libpq) for async code on GCD threads.
///
/// GCD grows its pool when a thread blocks; Swift's cooperative pool never does, so one blocked task there
/// holds one of its (here two) threads for the whole wait.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "holdfast.blocking-work", attributes: .concurrent)

    /// Runs `work` on a blocking-work thread and returns (or throws) its result to the suspended caller.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
