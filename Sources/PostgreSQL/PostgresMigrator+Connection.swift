import Store

/// PostgreSQL's half of applying migrations; the loop itself is `Migrator.migrate`.
extension PostgresConnection: MigratingConnection {
    /// The advisory lock key every Holdfast migrator takes: "Holdfast" in ASCII as a 64-bit number, so it will
    /// not collide with a lock another application on the same database picks.
    static let migrationLockKey: Int64 = 0x486F_6C64_6661_7374

    /// `version` is `BIGINT` (SQLite's INTEGER is 64 bits; PostgreSQL's is 32).
    public func createMigrationTableIfMissing() throws {
        try execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
    }

    /// `BEGIN … COMMIT` at the server's default isolation: DDL takes the locks it needs, and the advisory lock
    /// keeps other migrators out.
    public func inMigrationTransaction(_ body: () throws -> Void) throws {
        try transaction { _ in try body() }
    }

    /// Holds the migrators' advisory lock for the whole run: a session lock, not a transaction one, since it must
    /// span the separate transaction of each file. A second migrator waits here, then finds nothing left to do.
    public func excludingOtherMigrators<T>(_ body: () throws -> T) throws -> T {
        try query("SELECT pg_advisory_lock(?)", [.integer(Self.migrationLockKey)])
        defer { _ = try? query("SELECT pg_advisory_unlock(?)", [.integer(Self.migrationLockKey)]) }
        return try body()
    }
}
