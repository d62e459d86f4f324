/// A connection the one migration loop (`Migrator.migrate`) can apply files on. The loop decides everything the
/// dialects share — the order, which files are pending, the checksum and unknown-migration refusals, the record in
/// `schema_migrations` — and asks the connection only for what each dialect does its own way.
///
/// `SQLiteConnection` conforms here; `PostgresConnection` in the PostgreSQL module.
public protocol MigratingConnection: Connection {
    /// Creates `schema_migrations (version, name, checksum, applied_at)` when missing, with this dialect's types.
    func createMigrationTableIfMissing() throws

    /// Runs `body` (one migration file and its record) in one transaction: both are kept, or neither.
    func inMigrationTransaction(_ body: () throws -> Void) throws

    /// Runs `body` (a whole migration run) while no other migrator can apply files to the same database, so two
    /// that start together do not both apply a file: the second finds nothing left to do.
    func excludingOtherMigrators<T>(_ body: () throws -> T) throws -> T
}

extension SQLiteConnection: MigratingConnection {
    /// `version` is SQLite's `INTEGER PRIMARY KEY`.
    public func createMigrationTableIfMissing() throws {
        try execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
    }

    /// `BEGIN … COMMIT` (`transaction`).
    public func inMigrationTransaction(_ body: () throws -> Void) throws {
        try transaction { _ in try body() }
    }

    /// Nothing more than SQLite's one writer at a time: of two migrators started together, the second's file
    /// fails (its table exists, or its version is already recorded) rather than applying twice.
    public func excludingOtherMigrators<T>(_ body: () throws -> T) throws -> T { try body() }
}
