import Foundation

/// A `Sendable` handle on one SQLite database file: lends pooled connections to `read` and `write` closures.
///
/// Modelled on GRDB's `DatabasePool`: every `read` is a read transaction (one snapshot), every `write` a
/// `BEGIN IMMEDIATE` transaction (one writer at a time, WAL lets readers go on beside it). A closure gets a
/// `Connection` it may use only on its own thread and only until it returns; the pooled connection then goes
/// back for the next caller. Rules, checked at run time because they would otherwise fail by chance:
/// - no `read`/`write`/`checkpoint` of a database from inside a closure of the same database on the same
///   thread (it would need a second connection, and a write would wait on its own lock): pass `db` down;
/// - no use of a `Connection` after its closure returned or on another thread.
/// Both trap with a message naming the rule. From async code use the `async` overloads
/// (`Database+Async.swift`), which run the same closure on a `BlockingWork` thread.
public final class Database: Sendable {
    /// The database file's path.
    public let path: String
    /// Whether the last write failed because of the storage; `write` keeps it up to date.
    public let writeHealth = WriteHealth()
    private let pool: ConnectionPool
    /// Marks, in the thread dictionary, the threads inside one of this database's closures.
    private let activityKey = "holdfast.database.active." + UUID().uuidString

    /// A database at `path`; opens nothing until first used. `busyTimeoutMilliseconds` is how long a
    /// statement waits for another connection's lock before throwing SQLITE_BUSY.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) {
        self.path = path
        pool = ConnectionPool { try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds) }
    }

    /// Runs `body` in a read transaction: every query in it sees the same committed state.
    ///
    /// In WAL mode the snapshot is fixed by the first read and kept until the closure returns, so writers
    /// committing meanwhile are invisible to it. Throws `DatabaseError.closed` after `close()`, or what `body`
    /// or SQLite throws (the transaction is then rolled back).
    @discardableResult
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection(caller: "read") { connection in
            try connection.execute("BEGIN")
            do {
                let result = try lend(connection, to: body)
                try connection.execute("COMMIT")
                return result
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`); commits when it returns, rolls back when it
    /// throws.
    ///
    /// A commit clears `writeHealth`; a failure caused by the storage (full disk, I/O error, read-only file)
    /// is recorded there before it is rethrown. Throws `DatabaseError.closed` after `close()`.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        do {
            let result = try withConnection(caller: "write") { connection in
                try connection.transaction { try lend($0, to: body) }
            }
            writeHealth.recordSuccess()
            return result
        } catch {
            writeHealth.record(error)
            throw error
        }
    }

    /// Runs a non-blocking WAL checkpoint on a pooled connection (`SQLiteConnection.checkpoint()`).
    public func checkpoint() throws -> CheckpointResult {
        try withConnection(caller: "checkpoint") { $0.checkpoint() }
    }

    /// Closes every idle connection now and every busy one as its closure returns; from then on `read`,
    /// `write` and `checkpoint` throw `DatabaseError.closed`. Safe to call more than once.
    public func close() {
        pool.close()
    }

    /// Connections open and idle now: for tests and diagnostics.
    var connectionCounts: (open: Int, idle: Int) { pool.counts }

    /// Checks out a connection for `body` on this thread, after checking this thread is not already inside
    /// one of this database's closures.
    private func withConnection<T>(caller: String, _ body: (SQLiteConnection) throws -> T) throws -> T {
        let threadState = Thread.current.threadDictionary
        if threadState[activityKey] != nil {
            preconditionFailure("Database.\(caller) called inside a read or write of the same database: "
                                + "pass the db handle down instead")
        }
        let connection = try pool.checkOut()
        threadState[activityKey] = true
        defer {
            threadState.removeObject(forKey: activityKey)
            pool.checkIn(connection)
        }
        return try body(connection)
    }

    /// Calls `body` with a loan of `connection` that ends when `body` returns.
    private func lend<T>(_ connection: SQLiteConnection, to body: (Connection) throws -> T) rethrows -> T {
        let loan = LentConnection(connection)
        defer { loan.revoke() }
        return try body(loan)
    }
}
