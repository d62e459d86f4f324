import Foundation

/// A `Sendable` handle on one database, SQLite file or PostgreSQL server: lends pooled connections to `read`
/// and `write` closures.
///
/// Modelled on GRDB's `DatabasePool`: every `read` is a read transaction (one snapshot), every `write` a
/// transaction that behaves as if it ran alone (SQLite `BEGIN IMMEDIATE`, the single writer; PostgreSQL
/// `SERIALIZABLE`). A closure gets a `Connection` it may use only on its own thread and only until it returns;
/// the pooled connection then goes back for the next caller. Rules, checked at run time because they would
/// otherwise fail by chance:
/// - no `read`/`write`/`checkpoint` of a database from inside a closure of the same database on the same
///   thread (it would need a second connection, and a write would wait on its own lock): pass `db` down;
/// - no use of a `Connection` after its closure returned or on another thread.
/// Both trap with a message naming the rule. From async code use the `async` overloads
/// (`Database+Async.swift`), which run the same closure on a `BlockingWork` thread.
///
/// The backend is a `DatabaseBackend`: `Database(path:)` opens SQLite as always; the PostgreSQL module adds
/// an initializer for a server (`Database(postgresql:poolSize:)`), and `DatabaseLocation` picks by setting.
public final class Database: Sendable {
    /// The SQLite file's path; for PostgreSQL the connection string with its password masked (for messages
    /// only: never open it as a file, check `isSQLite` first).
    public let path: String
    /// Where the database is, as it was given.
    public let location: DatabaseLocation
    /// Whether the last write failed because of the storage; `write` keeps it up to date.
    public let writeHealth = WriteHealth()
    /// How many times `write` runs a closure whose transaction keeps losing races (PostgreSQL only).
    public static let maximumWriteAttempts = 6
    /// The first attempt that runs alone among the writers (`TransactionKind.retriedWrite`). The attempts before
    /// it run beside the others: most races are lost once and won on the next try, and an exclusive retry makes
    /// every writer of every process wait for it, which under steady contention (several timers) stalls them all.
    static let exclusiveAttempt = 3
    private let backend: any DatabaseBackend
    /// The same backend when it is SQLite, for the SQLite-only operations (checkpoints).
    private let sqlite: SQLiteBackend?
    /// Marks, in the thread dictionary, the threads inside one of this database's closures.
    private let activityKey = "holdfast.database.active." + UUID().uuidString

    /// A SQLite database at `path`; opens nothing until first used. `busyTimeoutMilliseconds` is how long a
    /// statement waits for another connection's lock before throwing SQLITE_BUSY.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) {
        self.path = path
        location = .sqlite(path: path)
        let backend = SQLiteBackend(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        self.backend = backend
        sqlite = backend
    }

    /// A database over another backend (the PostgreSQL module's); `location` says where, for messages.
    public init(backend: any DatabaseBackend, location: DatabaseLocation) {
        self.backend = backend
        self.location = location
        path = location.description
        sqlite = nil
    }

    /// True for a SQLite file: WAL checkpoints, file modes, disk space and file backups apply.
    public var isSQLite: Bool { sqlite != nil }

    /// The SQL the database speaks.
    public var dialect: SQLDialect { backend.dialect }

    /// Runs `body` in a read transaction: every query in it sees the same committed state.
    ///
    /// On SQLite (WAL) the snapshot is fixed by the first read; on PostgreSQL the transaction is `REPEATABLE
    /// READ READ ONLY`. Either way writers committing meanwhile are invisible to it. Throws
    /// `DatabaseError.closed` after `close()`, `DatabaseError.unavailable` when the server cannot be reached,
    /// or what `body` or the backend throws (the transaction is then rolled back).
    @discardableResult
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try classifyingUnavailable {
            try withConnection(caller: "read") { connection in
                try connection.inTransaction(.read) { try lend(connection, to: body) }
            }
        }
    }

    /// Runs `body` in a write transaction; commits when it returns, rolls back when it throws.
    ///
    /// On PostgreSQL the transaction is `SERIALIZABLE`, and one that loses a race with another (serialization
    /// failure 40001, deadlock 40P01) is rolled back and `body` runs again, up to `maximumWriteAttempts` times
    /// with a short random pause, from the `exclusiveAttempt`th on alone among all writers
    /// (`TransactionKind.retriedWrite`): **a write
    /// closure may run more than once**, so it must only touch the database (no sends, no counters outside it).
    /// SQLite's single writer never needs that.
    ///
    /// A commit clears `writeHealth`; a failure caused by the storage (full disk, I/O error, read-only file)
    /// is recorded there before it is rethrown. Throws `DatabaseError.closed` after `close()`,
    /// `DatabaseError.unavailable` when the server cannot be reached or no connection came free.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        // Early attempts run beside the other writers; a transaction that kept losing runs alone.
        try write(caller: "write", body) { attempt in attempt < Self.exclusiveAttempt ? .write : .retriedWrite }
    }

    /// Runs `body` in a write transaction whose row locks `body` takes itself (`TransactionKind.lockingWrite`);
    /// commits when it returns, rolls back when it throws.
    ///
    /// For short read-modify-writes of a few known rows that many writers run side by side (the timer's claims,
    /// sync results, request budgets, nonces). On PostgreSQL the transaction is `READ COMMITTED`: `body` must lock
    /// each row before reading what it will write back (`SELECT … \(db.forUpdate)`, or an `UPDATE` of the row),
    /// and rows it only inserts must be keyed so a concurrent insert meets `ON CONFLICT`. In exchange it never
    /// fails with a serialization failure, so it is not run again and again under contention, and it costs two
    /// round trips less than `write` (no session lock to take and give back). A deadlock (40P01) is rolled back
    /// and run again, as in `write`, so **the closure may still run more than once**. On SQLite the same as `write`.
    @discardableResult
    public func lockingWrite<T>(_ body: (Connection) throws -> T) throws -> T {
        try write(caller: "lockingWrite", body) { _ in .lockingWrite }
    }

    /// Runs `body` with statements that each commit by themselves (`TransactionKind.autocommit`): no BEGIN, no
    /// COMMIT, no lock held between statements. For writes that are each one atomic statement, such as a
    /// compare-and-swap (`UPDATE … WHERE` the row still holds what was read, retried when it changed no row):
    /// on PostgreSQL two round trips less than a `lockingWrite`. Nothing `body` did is undone when it throws.
    @discardableResult
    public func autocommit<T>(_ body: (Connection) throws -> T) throws -> T {
        try write(caller: "autocommit", body) { _ in .autocommit }
    }

    /// The attempts of a write: `kind` says which transaction attempt 1, 2, … runs in.
    private func write<T>(caller: String, _ body: (Connection) throws -> T,
                          kind: (Int) -> TransactionKind) throws -> T {
        do {
            let result = try classifyingUnavailable {
                try withConnection(caller: caller) { connection in
                    var attempt = 1
                    while true {
                        do {
                            return try connection.inTransaction(kind(attempt)) { try lend(connection, to: body) }
                        } catch where attempt < Self.maximumWriteAttempts && backend.isRetryable(error) {
                            // A short random pause, growing: the transactions that collided should not meet again
                            // at once.
                            usleep(UInt32.random(in: 500...2_000) << UInt32(attempt - 1))
                            attempt += 1
                        }
                    }
                }
            }
            writeHealth.recordSuccess()
            return result
        } catch {
            writeHealth.record(error)
            throw error
        }
    }

    /// Runs a non-blocking WAL checkpoint on a pooled connection (`SQLiteConnection.checkpoint()`). Throws
    /// `DatabaseError.notSQLite` on PostgreSQL, which has no WAL file of ours to checkpoint.
    public func checkpoint() throws -> CheckpointResult {
        guard isSQLite else { throw DatabaseError.notSQLite(operation: "a WAL checkpoint") }
        return try withConnection(caller: "checkpoint") { connection in
            // A SQLite backend lends only `SQLiteConnection`s.
            guard let connection = connection as? SQLiteConnection else {
                throw DatabaseError.notSQLite(operation: "a WAL checkpoint")
            }
            return connection.checkpoint()
        }
    }

    /// Closes every idle connection now and every busy one as its closure returns; from then on `read`,
    /// `write` and `checkpoint` throw `DatabaseError.closed`. Safe to call more than once.
    public func close() {
        backend.close()
    }

    /// Connections open and idle now: for tests and diagnostics.
    var connectionCounts: (open: Int, idle: Int) { backend.connectionCounts }

    /// Runs `body`, turning the backend's "cannot reach the database now" errors into
    /// `DatabaseError.unavailable`, the one type the responder answers with 503 for every backend.
    private func classifyingUnavailable<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error where backend.isUnavailable(error) {
            throw DatabaseError.unavailable(reason: String(describing: error))
        }
    }

    /// Checks out a connection for `body` on this thread, after checking this thread is not already inside
    /// one of this database's closures.
    private func withConnection<T>(caller: String, _ body: (any BackendConnection) throws -> T) throws -> T {
        let threadState = Thread.current.threadDictionary
        if threadState[activityKey] != nil {
            preconditionFailure("Database.\(caller) called inside a read or write of the same database: "
                                + "pass the db handle down instead")
        }
        return try backend.withConnection { connection in
            threadState[activityKey] = true
            defer { threadState.removeObject(forKey: activityKey) }
            return try body(connection)
        }
    }

    /// Calls `body` with a loan of `connection` that ends when `body` returns.
    private func lend<T>(_ connection: any BackendConnection, to body: (Connection) throws -> T) rethrows -> T {
        let loan = LentConnection(connection)
        defer { loan.revoke() }
        return try body(loan)
    }
}
