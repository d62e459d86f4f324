import Foundation

/// The connections of one `Database`: each is checked out by one thread for one closure and checked back in.
///
/// The pool grows to the largest number of threads that used the database at once (the responder's workers
/// plus `BlockingWork` threads) and keeps the idle connections for reuse, so a busy responder opens each
/// connection once. `close()` closes the idle connections at once and each busy one as it is checked in.
///
/// `@unchecked Sendable`: `idle`, `busy`, `isClosed` and the counters are only touched under `lock`; a
/// connection is reachable from `idle` or from exactly one checking-out thread, never both.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [SQLiteConnection] = []
    private var busy = 0
    private var isClosed = false
    private var opened = 0
    private var closedCount = 0
    private let open: () throws -> SQLiteConnection

    /// A pool that opens connections with `open` when none is idle.
    init(open: @escaping () throws -> SQLiteConnection) {
        self.open = open
    }

    deinit {
        // Nothing can be busy here: a checked-out connection's closure holds the `Database`, which holds us.
        for connection in idle { connection.close() }
    }

    /// An idle connection, or a new one; throws `DatabaseError.closed` after `close()`, or the open error.
    func checkOut() throws -> SQLiteConnection {
        let reused: SQLiteConnection? = try lock.withLock {
            guard !isClosed else { throw DatabaseError.closed }
            busy += 1
            return idle.popLast()
        }
        if let reused { return reused }
        // Opened outside the lock: opening touches the file and may wait for SQLite's busy handler.
        do {
            let connection = try open()
            lock.withLock { opened += 1 }
            return connection
        } catch {
            lock.withLock { busy -= 1 }
            throw error
        }
    }

    /// Returns `connection` after its closure: kept for reuse, or closed when the pool was closed meanwhile.
    func checkIn(_ connection: SQLiteConnection) {
        let keep = lock.withLock {
            busy -= 1
            if isClosed { closedCount += 1 } else { idle.append(connection) }
            return !isClosed
        }
        if !keep { connection.close() }
    }

    /// Closes every idle connection now and each busy one when it is checked in; later check-outs throw.
    func close() {
        let closing = lock.withLock {
            isClosed = true
            defer { idle.removeAll() }
            closedCount += idle.count
            return idle
        }
        for connection in closing { connection.close() }
    }

    /// Connections opened and not yet closed, and how many of them are idle (for tests and diagnostics).
    var counts: (open: Int, idle: Int) {
        lock.withLock { (opened - closedCount, idle.count) }
    }
}
