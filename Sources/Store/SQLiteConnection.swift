import CSQLite
import Foundation

/// One open SQLite connection: the only owner of its `sqlite3*`, closed by `close()` or in `deinit`.
///
/// Not `Sendable`: opened with SQLITE_OPEN_NOMUTEX, a connection must be used by one thread at a time.
/// Application code reaches one only through a `Database`, whose pool lends it to one closure at a time;
/// the CLI's migrate, backup and restore, and tests, open their own. SQLite-only operations (checkpoint,
/// WAL size, `transaction`) live here rather than on `Connection`.
public final class SQLiteConnection: Connection {
    let handle: OpaquePointer
    let busyTimeoutMilliseconds: Int32
    private var statementCache: [String: Statement] = [:]
    private var isOpen = true

    /// Always `.sqlite`.
    public var dialect: SQLDialect { .sqlite }

    /// Opens (creating if needed, mode 0600) the database file at `path` and applies the connection settings
    /// every Holdfast connection needs: WAL with a size limit, a busy timeout, foreign keys on.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        DatabaseFileMode.prepare(path)
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &pointer, flags, nil)
        guard status == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: status, message: message, sql: nil)
        }
        handle = pointer
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        // foreign_keys is per connection and off by default; WAL lets readers run beside the one writer.
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = NORMAL")
        // Per connection, not stored in the file: without it a WAL that grew while a reader held an old
        // snapshot keeps its size for ever, even after checkpoints catch up.
        try execute("PRAGMA journal_size_limit = \(Self.walSizeLimitBytes)")
    }

    deinit { close() }

    /// Finalizes every cached statement and closes the handle; later calls do nothing. The pool calls it so
    /// a closed `Database` releases its file descriptors at once, not whenever the last reference goes.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        statementCache.removeAll()
        // close_v2: should a statement still be alive somewhere, SQLite defers the close instead of failing.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that return no rows (schema, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql, systemErrno: systemErrno)
        }
    }

    /// A prepared statement for `sql`, reused across calls on this connection.
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `sql` with `bindings` and returns every row.
    @discardableResult
    public func query(_ sql: String, _ bindings: [SQLValue]) throws -> [Row] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try statement.allRows()
    }

    /// Runs `sql` with `bindings` and returns the first row, if any.
    public func queryOne(_ sql: String, _ bindings: [SQLValue]) throws -> Row? {
        try query(sql, bindings).first
    }

    /// Runs a statement that changes rows and returns how many it changed.
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue]) throws -> Int {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        _ = try statement.allRows()
        return Int(sqlite3_changes(handle))
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws. For a connection of one's
    /// own (migrations, tests); application code uses `Database.write`.
    ///
    /// IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes fails with
    /// SQLITE_BUSY at once when another writer got in between, without waiting for the busy timeout.
    public func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// errno of the last failed system call SQLite made on this connection, nil when 0.
    var systemErrno: Int32? {
        let value = sqlite3_system_errno(handle)
        return value == 0 ? nil : value
    }

    /// Turns a SQLite status into a thrown `SQLiteError` unless it is one of `accepted`.
    func check(_ status: Int32, sql: String? = nil, accepting accepted: Set<Int32> = [SQLITE_OK]) throws {
        if !accepted.contains(status) {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: lastErrorMessage, sql: sql,
                              systemErrno: systemErrno)
        }
    }
}
