import Foundation

/// Database work from async code, run on `BlockingWork`'s threads instead of the cooperative pool.
///
/// SQLite waits for its busy timeout (up to 5 s) and `fsync`s on commit; done on the cooperative pool (two
/// threads on a 2-core VPS) that wait stalls every exchange call in the process. Async callers therefore get
/// these overloads: same closure, same transaction, but the calling task suspends while a blocking-work thread waits.
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

    /// `autocommit(_:)` on a blocking-work thread; the task suspends until it returns.
    @discardableResult
    public func autocommit<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.autocommit(body) }
    }

    /// `lockingWrite(_:)` on a blocking-work thread; the task suspends until it commits or rolls back.
    @discardableResult
    public func lockingWrite<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await BlockingWork.run { try self.lockingWrite(body) }
    }
}

/// Runs blocking calls (SQLite, `flock`, `fsync`, later libpq) for async code on threads of its own.
///
/// Not GCD: on Linux, Swift's cooperative pool and libdispatch's global queues share one set of worker
/// threads, which grows by about one thread a second while they block. Eight blocked GCD blocks delayed an
/// unrelated task by 5 s on a 2-core machine (CONCURRENCY.md). So the work goes to `BlockingThreadPool`,
/// plain threads that nothing else schedules on, as sqlite-nio does with its `NIOThreadPool`.
///
/// Use it from async code only: a plain thread (a responder worker, the CLI) makes blocking calls directly,
/// and reaches async code through App's `runBlocking`. CONCURRENCY.md has the whole model.
public enum BlockingWork {
    /// Up to 64 threads: more than the sync runner's default concurrency (8) and the responder's exchange
    /// slots (64) ever have waiting on the database at once; work beyond that queues, it does not block.
    static let pool = BlockingThreadPool(maxThreads: 64, name: "holdfast-blocking")

    /// Runs `work` on a blocking-work thread and returns (or throws) its result to the suspended caller.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.submit { continuation.resume(with: Result { try work() }) }
        }
    }
}
