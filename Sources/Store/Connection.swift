/// The SQL a `Connection` speaks. Store code that must differ per backend (introspection, transaction
/// syntax) switches on it; everything else is written once in the portable subset both accept.
public enum SQLDialect: Sendable {
    case sqlite
    case postgresql
}

/// One database connection, as store code sees it: run SQL, read rows.
///
/// A connection is not `Sendable` and is only ever lent: `Database.read`/`write` hand one to a closure, on
/// the closure's thread, for the closure's duration. Using it on another thread or after the closure returned
/// traps. `SQLiteConnection` is the implementation today; a PostgreSQL one will implement the same five
/// members, so store types written against this protocol (`in db: Connection`) run on both.
///
/// SQL passed here must be portable (placeholders `?` or `?1`, `?2`; `RETURNING id` rather than
/// `last_insert_rowid()`; timestamps as ISO-8601 text; booleans as 0/1).
public protocol Connection: AnyObject {
    /// Runs one or more statements that return no rows (schema, pragmas). Throws the backend's error.
    func execute(_ sql: String) throws
    /// Runs `sql` with `bindings` (in placeholder order) and returns every row.
    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [Row]
    /// Runs `sql` with `bindings` and returns the first row, nil when there is none.
    func queryOne(_ sql: String, _ bindings: [SQLValue]) throws -> Row?
    /// Runs a statement that changes rows and returns how many it changed.
    @discardableResult
    func run(_ sql: String, _ bindings: [SQLValue]) throws -> Int
    /// Which SQL this connection speaks.
    var dialect: SQLDialect { get }
}

extension Connection {
    /// `query(sql, [])`: a statement without placeholders.
    @discardableResult
    public func query(_ sql: String) throws -> [Row] { try query(sql, []) }

    /// `queryOne(sql, [])`: a statement without placeholders.
    public func queryOne(_ sql: String) throws -> Row? { try queryOne(sql, []) }

    /// The row-lock clause to end a `SELECT` with inside a `Database.lockingWrite`: ` FOR UPDATE` on PostgreSQL,
    /// which keeps the rows read unchanged by others until the commit; empty on SQLite, whose write transaction
    /// already excludes every other writer (and which has no such clause).
    public var forUpdate: String { dialect == .postgresql ? " FOR UPDATE" : "" }

    /// `run(sql, [])`: a statement without placeholders.
    @discardableResult
    public func run(_ sql: String) throws -> Int { try run(sql, []) }
}
