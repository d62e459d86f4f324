import Foundation
import Store

/// Applies the PostgreSQL migrations (`Migrations/postgresql/NNNN_name.sql`) with the same bookkeeping as the
/// SQLite `Migrator`: each file once, in its own transaction, recorded in `schema_migrations` with its checksum;
/// a changed shipped file or a migration unknown to this install is refused (`MigrationError`).
///
/// The files have the same numbers and names as the SQLite ones, so both databases walk one timeline; the test
/// `SchemaEqualityTests` proves each step leaves the same logical schema. Several hosts may start at once: the
/// whole run holds a PostgreSQL advisory lock, so a second migrator waits and then finds nothing left to do.
public struct PostgresMigrator: Sendable {
    /// The advisory lock key every Holdfast migrator takes: "Holdfast" in ASCII as a 64-bit number, so it will
    /// not collide with a lock another application on the same database picks.
    static let advisoryLockKey: Int64 = 0x486F_6C64_6661_7374

    /// The shipped migrations, ordered by version.
    public let migrations: [Migrator.Migration]

    /// A migrator for `migrations` (in any order).
    public init(migrations: [Migrator.Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Loads every `NNNN_name.sql` in `directory` (the `postgresql` folder beside the SQLite migrations).
    ///
    /// - Throws: `MigrationError.badFileName` / `.duplicateVersion` as the SQLite migrator does.
    public init(directory: URL) throws {
        self.init(migrations: try Migrator(directory: directory).migrations)
    }

    /// Applies every pending migration and returns the names applied, in order.
    ///
    /// - Throws: `MigrationError` when the database records a changed or unknown migration; `PostgresError` when
    ///   a migration fails (its transaction is rolled back; earlier ones stay applied and recorded).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [String] {
        // A session lock, not a transaction one: it must span the separate transaction of each file.
        try connection.query("SELECT pg_advisory_lock(?)", [.integer(Self.advisoryLockKey)])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(?)", [.integer(Self.advisoryLockKey)]) }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let applied = try verifiedAppliedVersions(connection)
        var names: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            try connection.transaction { db in
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    [.int(migration.version), .text(migration.name), .text(migration.checksum),
                     .text(Timestamp.now())])
            }
            names.append(migration.name)
        }
        return names
    }

    /// Whether the database is fully migrated, without changing it.
    public func status(_ connection: PostgresConnection) throws -> Migrator.Status {
        let applied = try hasTable(connection) ? try verifiedAppliedVersions(connection) : []
        let pending = migrations.filter { !applied.contains($0.version) }.map(\.name)
        return pending.isEmpty ? .current : .pending(pending)
    }

    /// True when the database has `schema_migrations` in the connection's schema, i.e. Holdfast migrated it.
    public func hasTable(_ connection: PostgresConnection) throws -> Bool {
        try connection.queryOne("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")?.bool("present")
            ?? false
    }

    private func verifiedAppliedVersions(_ connection: PostgresConnection) throws -> Set<Int> {
        var versions = Set<Int>()
        for row in try connection.query("SELECT version, name, checksum FROM schema_migrations") {
            guard let version = row.int("version") else { continue }
            versions.insert(version)
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw MigrationError.unknownApplied(row.string("name") ?? String(version))
            }
            if migration.checksum != row.string("checksum") { throw MigrationError.checksumMismatch(migration.name) }
        }
        return versions
    }
}
