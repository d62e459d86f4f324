import Foundation
import Store

/// A fixed number of PostgreSQL connections shared by a process's threads; the `Sendable` owner through which
/// connections are reached (`write { db in … }`, `read { db in … }`).
///
/// Connections open lazily, up to `size` (size it to the worker count: a worker holds one connection at a time).
/// A checkout blocks until a connection is free, at most `checkoutTimeout`, then throws
/// `PostgresPoolError.checkoutTimedOut`, which the responder answers with 503. A connection found broken is
/// closed and replaced by a new one, on checkout and on return, so a server restart costs each connection one
/// failed statement at most. Blocking: call it from worker threads, never from Swift's cooperative pool.
public final class PostgresPool: @unchecked Sendable {
    // @unchecked Sendable, and why that is safe: every stored property is either immutable (`let`) or guarded by
    // `condition`'s lock (`idle`, `open`), read and written only between `condition.lock()` and `unlock()`. A
    // connection in `idle` is touched by no thread; a checked-out one only by the thread that checked it out,
    // which hands it back before any other thread can take it. So no `PostgresConnection` (not Sendable) is
    // ever used by two threads at once.
    private let connectionString: String
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    /// Connections in existence or being opened (idle + checked out + reserved), never more than `size`.
    private var open = 0
    /// Set by `close()`: no more checkouts, and returned connections are closed.
    private var isClosed = false

    /// How many connections the pool holds at most.
    public let size: Int
    /// How long a checkout waits for a free connection, in seconds.
    public let checkoutTimeout: Double

    /// A pool of up to `size` connections to `connectionString` (URL or keyword string); connects nothing yet.
    public init(connectionString: String, size: Int, checkoutTimeout: Double = 5) {
        precondition(size > 0, "a pool needs at least one connection")
        self.connectionString = connectionString
        self.size = size
        self.checkoutTimeout = checkoutTimeout
    }

    /// Runs `body` with a connection of its own for the call; the connection goes back to the pool afterwards.
    ///
    /// - Throws: `PostgresPoolError.checkoutTimedOut` when none became free in time; `PostgresError` when a new
    ///   connection cannot be opened; whatever `body` throws.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Runs `body` in a write transaction (`PostgresConnection.transaction`) on a pooled connection.
    @discardableResult
    public func write<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { try $0.transaction(body) }
    }

    /// Runs `body` in a read-only snapshot transaction (`PostgresConnection.readTransaction`).
    @discardableResult
    public func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { try $0.readTransaction(body) }
    }

    /// Closes the idle connections now and each checked-out one as it comes back; later checkouts throw
    /// `DatabaseError.closed`. Safe to call more than once.
    public func close() {
        condition.lock()
        isClosed = true
        let closing = idle
        idle.removeAll()
        open -= closing.count
        condition.broadcast()
        condition.unlock()
        // Dropping the last reference runs `PQfinish` (the connection's deinit), outside the lock.
        _ = closing
    }

    /// Connections idle now, for tests and diagnostics.
    public var idleConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return idle.count
    }

    /// Connections open now (idle or checked out), for metrics and tests.
    public var openConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return open
    }

    private func checkOut() throws -> PostgresConnection {
        let deadline = Date(timeIntervalSinceNow: checkoutTimeout)
        condition.lock()
        while true {
            if isClosed {
                condition.unlock()
                throw DatabaseError.closed
            }
            if let connection = idle.popLast() {
                if connection.isAlive {
                    condition.unlock()
                    return connection
                }
                // Broken while idle (the server restarted, the backend was terminated): drop it and open a fresh
                // one in its place, so the caller's first statement does not fail.
                open -= 1
            }
            if open < size {
                open += 1
                condition.unlock()
                // Connecting takes a round trip or more: do it outside the lock, holding the reserved slot.
                do {
                    return try PostgresConnection(connectionString: connectionString)
                } catch {
                    release()
                    throw error
                }
            }
            // A false wait is the deadline; a connection may still have come back at the very last moment.
            if !condition.wait(until: deadline) && idle.isEmpty && open >= size {
                condition.unlock()
                throw PostgresPoolError.checkoutTimedOut(seconds: checkoutTimeout)
            }
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        if isClosedNow || !connection.prepareForReuse() {
            // Closing it frees its slot; the next checkout opens a fresh connection.
            release()
            return
        }
        condition.lock()
        idle.append(connection)
        condition.signal()
        condition.unlock()
    }

    private var isClosedNow: Bool {
        condition.lock()
        defer { condition.unlock() }
        return isClosed
    }

    /// Gives back a slot of a connection that was closed or never opened.
    private func release() {
        condition.lock()
        open -= 1
        condition.signal()
        condition.unlock()
    }
}
