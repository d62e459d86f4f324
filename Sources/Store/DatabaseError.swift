/// A `Database` refused work for a reason of its own, not the backend's (those are `SQLiteError`, or the
/// PostgreSQL module's errors).
public enum DatabaseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `close()` was called: the database lends no more connections.
    case closed
    /// The database server cannot be reached or has no connection free (PostgreSQL: connection lost, server
    /// restarting, pool checkout timed out). Nothing was committed by the failed call; try again later. The
    /// responder answers 503. `reason` is the backend's message, without the password of the connection.
    case unavailable(reason: String)
    /// The operation exists for SQLite databases only (WAL checkpoints, file backups) and this is not one.
    case notSQLite(operation: String)

    public var description: String {
        switch self {
        case .closed: "the database was closed; it lends no more connections"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .notSQLite(let operation): "\(operation) applies to SQLite databases only; this one is PostgreSQL"
        }
    }
}
