/// The SQLite file behind a `Database`: a `ConnectionPool` of `SQLiteConnection`s.
///
/// A write is `BEGIN IMMEDIATE` (one writer at a time, waiting up to the busy timeout), so no write ever has to
/// be retried; busy and storage errors keep their `SQLiteError` type, which the responder's error site knows.
final class SQLiteBackend: DatabaseBackend {
    let pool: ConnectionPool

    init(path: String, busyTimeoutMilliseconds: Int32) {
        pool = ConnectionPool { try SQLiteConnection(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds) }
    }

    var dialect: SQLDialect { .sqlite }

    func withConnection<T>(_ body: (any BackendConnection) throws -> T) throws -> T {
        let connection = try pool.checkOut()
        defer { pool.checkIn(connection) }
        return try body(connection)
    }

    func close() { pool.close() }

    var connectionCounts: (open: Int, idle: Int) { pool.counts }

    func isRetryable(_ error: any Error) -> Bool { false }

    func isUnavailable(_ error: any Error) -> Bool { false }
}

extension SQLiteConnection: BackendConnection {
    /// A read is a deferred `BEGIN` (the snapshot starts at the first read); a write `BEGIN IMMEDIATE`.
    public func inTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        switch kind {
        case .write, .retriedWrite, .lockingWrite:
            return try transaction { _ in try body() }
        case .autocommit:
            return try body()
        case .read:
            try execute("BEGIN")
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
    }
}
