/// Which transaction a `Database` closure runs in.
public enum TransactionKind: Sendable {
    /// One snapshot for every statement, no writes (SQLite `BEGIN`, PostgreSQL `REPEATABLE READ READ ONLY`).
    case read
    /// A read-modify-write that behaves as if it ran alone (SQLite `BEGIN IMMEDIATE`, the single writer;
    /// PostgreSQL `SERIALIZABLE`, which may fail with a serialization failure the `Database` retries).
    case write
    /// A write run again after losing a race: it runs alone among the writers of every process on the database
    /// (PostgreSQL: an exclusive advisory lock that every first attempt takes shared), so steady contention
    /// cannot make it lose again and again. On SQLite the same as `write`, which never loses.
    case retriedWrite
    /// A write whose closure takes the row locks it relies on itself, before it reads what it will change
    /// (`Connection.forUpdate`, or an `UPDATE` of the row): PostgreSQL `READ COMMITTED`, where every statement
    /// sees the latest commits and a locked row stays as read until the commit, so it never fails with a
    /// serialization failure (a deadlock, 40P01, is still retried). For the timer's hot path: claims, budget
    /// updates, nonces and sync results, each about one connection's rows or one counter row. On SQLite the same
    /// as `write` (`BEGIN IMMEDIATE` already excludes every other writer).
    case lockingWrite
    /// No transaction at all: each statement commits by itself. For a closure whose every write is one atomic
    /// statement (an upsert, or a compare-and-swap `UPDATE … WHERE` the row still holds what was read), which so
    /// costs no BEGIN and COMMIT round trips and holds no lock from one statement to the next. Statements may
    /// see different commits; the closure must not rely on them agreeing. SQLite: its autocommit mode, each
    /// statement taking the write lock in turn.
    case autocommit
}

/// A connection a backend lends to a `Database`: a store `Connection` that can also run a closure in a
/// transaction of the given kind.
public protocol BackendConnection: Connection {
    /// Runs `body` between the kind's BEGIN and COMMIT; rolls back and rethrows when `body` or the commit throws.
    func inTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T
}

/// What a `Database` needs from one kind of database: pooled connections, and which of its errors mean
/// "try the whole transaction again" or "the storage is unavailable now".
///
/// `Database` keeps every rule that must hold on both backends (no nesting, lent handles, close, retries, the
/// async overloads); a backend only knows its own driver. `SQLiteBackend` is in this module; the PostgreSQL
/// module implements one over libpq, so `Store` never depends on it.
public protocol DatabaseBackend: Sendable {
    /// The SQL the connections speak.
    var dialect: SQLDialect { get }
    /// Runs `body` with a connection checked out for the call on this thread, checked back in afterwards.
    /// Throws what opening or waiting for a connection throws, or what `body` throws.
    func withConnection<T>(_ body: (any BackendConnection) throws -> T) throws -> T
    /// Closes idle connections now and busy ones as they are checked in.
    func close()
    /// Connections open now, and how many of them are idle (for tests and diagnostics).
    var connectionCounts: (open: Int, idle: Int) { get }
    /// True when `error` means the transaction lost a race and the whole closure may simply run again.
    func isRetryable(_ error: any Error) -> Bool
    /// True when `error` means the database cannot be reached or has no connection to spare right now (the
    /// caller should try again later: HTTP 503), as opposed to a bug or bad data.
    func isUnavailable(_ error: any Error) -> Bool
}
