import CSQLite

/// A failed SQLite call: the primary result code, SQLite's message and, when known, the statement's SQL.
///
/// The SQL is for logs only; HTTP responses never show it (the application maps this error to `internal`).
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    public let code: Int32
    public let message: String
    public let sql: String?
    /// The operating system's errno behind an I/O error (`sqlite3_system_errno`), when there was one: it
    /// tells a full disk (ENOSPC) from other I/O trouble.
    public var systemErrno: Int32?

    init(code: Int32, message: String, sql: String?, systemErrno: Int32? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.systemErrno = systemErrno
    }

    /// The primary result code (the low byte of the extended code).
    public var primaryCode: Int32 { code & 0xff }

    /// True for the UNIQUE and PRIMARY KEY flavours of a constraint violation.
    public var isUniqueViolation: Bool {
        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555): macros Swift cannot import.
        code == 2067 || code == 1555
    }
    /// True when the database could not take a write because the disk is full or the file is read-only.
    public var isStorageUnavailable: Bool {
        [SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN].contains(primaryCode)
    }
    /// True when the file cannot be opened or is not a usable database (a wrong path, permissions, another
    /// file, corruption): waiting does not help, an operator must act.
    public var isUnusableFile: Bool {
        [SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_PERM].contains(primaryCode)
    }
    /// True when another connection held the lock for longer than the busy timeout.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in «\($0)»" } ?? "")
    }
}
