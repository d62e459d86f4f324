import Store

/// A PostgreSQL server behind a `Database`: a `PostgresPool` of libpq connections.
///
/// A read is `REPEATABLE READ READ ONLY` (one snapshot), a write `SERIALIZABLE`, so a store's
/// read-modify-write is as correct as under SQLite's single writer; the price is that a write losing a race
/// fails with 40001/40P01, which `isRetryable` reports so `Database.write` runs the closure again. A locking
/// write (`Database.lockingWrite`) is `READ COMMITTED` with the row locks its closure takes: it only fails on
/// a deadlock. A lost
/// connection or an exhausted pool is "unavailable": the responder answers 503, and the pool replaces broken
/// connections at their next checkout.
final class PostgresBackend: DatabaseBackend {
    let pool: PostgresPool

    init(pool: PostgresPool) { self.pool = pool }

    var dialect: SQLDialect { .postgresql }

    func withConnection<T>(_ body: (any BackendConnection) throws -> T) throws -> T {
        try pool.withConnection { try body($0) }
    }

    func close() { pool.close() }

    var connectionCounts: (open: Int, idle: Int) { (pool.openConnections, pool.idleConnections) }

    /// A lost race, or a statement prepared before a schema change or a pooler's reset (the connection has
    /// forgotten it, so the next attempt prepares it again).
    func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        return error.isSerializationFailure || error.isStalePreparedStatement
    }

    /// A lost connection, an exhausted pool, or a read that met a stale prepared statement (a read is not run
    /// again: the request gets 503 once, and the connection has prepared afresh for the next).
    func isUnavailable(_ error: any Error) -> Bool {
        if error is PostgresPoolError { return true }
        guard let error = error as? PostgresError else { return false }
        return error.isConnectionLost || error.isStalePreparedStatement
    }
}

extension PostgresConnection: BackendConnection {
    /// The advisory lock every Holdfast write holds while it runs: shared by first attempts, exclusive by a retry
    /// ("HoldfastW" in ASCII, apart from the migrator's key).
    static let writeLockKey: Int64 = 0x486F_6C64_6661_7357

    /// A read in a `REPEATABLE READ READ ONLY` transaction, a write in a `SERIALIZABLE` one, a locking write in a
    /// `READ COMMITTED` one.
    ///
    /// Writes hold `writeLockKey`: shared on a first attempt (writers run side by side), exclusive on a retry,
    /// which so runs alone among the writers of every process and cannot lose again; the server queues new shared
    /// requests behind a waiting exclusive one, so a retry is never starved. For a serializable write the lock is a
    /// session lock taken *before* BEGIN: taken inside, the wait would happen after the transaction's snapshot was
    /// fixed, and the retry would read what was current before the writers it waited for committed. Released after
    /// the end of the transaction, or with the session when the connection is lost.
    ///
    /// A locking write takes the lock shared too, so an exclusive retry also runs apart from it (its row updates
    /// would otherwise make the retry fail again, with "could not serialize access due to concurrent update"). At
    /// `READ COMMITTED` every statement takes a new snapshot, so the lock can be a transaction lock, taken in the
    /// BEGIN's message and released by the COMMIT: no round trips of its own.
    public func inTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        switch kind {
        case .read:
            return try readTransaction { _ in try body() }
        case .write, .retriedWrite:
            let mode = kind == .write ? "_shared" : ""
            // Its own message: statements sent before a BEGIN in one message join the transaction, and then
            // BEGIN ISOLATION LEVEL would come after a query (PostgreSQL manual, 55.2.2.1 "Multiple Statements in
            // a Simple Query").
            try query("SELECT pg_advisory_lock\(mode)(?)", [.integer(Self.writeLockKey)])
            defer { _ = try? query("SELECT pg_advisory_unlock\(mode)(?)", [.integer(Self.writeLockKey)]) }
            return try serializableTransaction { _ in try body() }
        case .autocommit:
            return try body()
        case .lockingWrite:
            return try inTransaction(begin: "BEGIN; SELECT pg_advisory_xact_lock_shared(\(Self.writeLockKey))") { _ in
                try body()
            }
        }
    }
}

extension Database {
    /// A database on the PostgreSQL server at `connectionString` (URL or libpq keyword string), through a pool of
    /// up to `poolSize` connections (size it to the threads that use it at once: the responder's workers, the
    /// timer's sync concurrency, 2 in the CLI). Connects nothing until first used. A checkout waiting longer than
    /// `checkoutTimeout` seconds throws `DatabaseError.unavailable`.
    public convenience init(postgresql connectionString: String, poolSize: Int, checkoutTimeout: Double = 5) {
        let pool = PostgresPool(connectionString: connectionString, size: max(1, poolSize),
                                checkoutTimeout: checkoutTimeout)
        self.init(backend: PostgresBackend(pool: pool), location: .postgresql(connectionString: connectionString))
    }

    /// The database `location` names: a SQLite file (`poolSize` does not apply: SQLite's pool grows to the
    /// threads that use it) or a PostgreSQL server with a pool of `poolSize` connections.
    public static func open(_ location: DatabaseLocation, poolSize: Int) -> Database {
        switch location {
        case .sqlite(let path): Database(path: path)
        case .postgresql(let connectionString): Database(postgresql: connectionString, poolSize: poolSize)
        }
    }
}
