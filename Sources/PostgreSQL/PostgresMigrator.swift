import Foundation
import Store

/// Applies the PostgreSQL migrations (`Migrations/postgresql/NNNN_name.sql`) through the one migration loop,
/// `Migrator.migrate`: each file once, in its own transaction, recorded in `schema_migrations` with its checksum;
/// a changed shipped file or a migration unknown to this install is refused (`MigrationError`). What is
/// PostgreSQL's own — the table's types, the transaction, the advisory lock — is `PostgresConnection`'s
/// `MigratingConnection` conformance (PostgresMigrator+Connection.swift).
///
/// The files have the same numbers and names as the SQLite ones, so both databases walk one timeline; the test
/// `SchemaEqualityTests` proves each step leaves the same logical schema. Several hosts may start at once: the
/// whole run holds a PostgreSQL advisory lock, so a second migrator waits and then finds nothing left to do.
public struct PostgresMigrator: Sendable {
    /// The shared loop and bookkeeping, over the PostgreSQL files.
    private let timeline: Migrator

    /// The shipped migrations, ordered by version.
    public var migrations: [Migrator.Migration] { timeline.migrations }

    /// A migrator for `migrations` (in any order).
    public init(migrations: [Migrator.Migration]) {
        timeline = Migrator(migrations: migrations)
    }

    /// Loads every `NNNN_name.sql` in `directory` (the `postgresql` folder beside the SQLite migrations).
    ///
    /// - Throws: `MigrationError.badFileName` / `.duplicateVersion` as the SQLite migrator does.
    public init(directory: URL) throws {
        timeline = try Migrator(directory: directory)
    }

    /// Applies every pending migration and returns the names applied, in order.
    ///
    /// - Throws: `MigrationError` when the database records a changed or unknown migration; `PostgresError` when
    ///   a migration fails (its transaction is rolled back; earlier ones stay applied and recorded).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [String] {
        try timeline.migrate(connection)
    }

    /// Whether the database is fully migrated, without changing it.
    public func status(_ connection: PostgresConnection) throws -> Migrator.Status {
        try timeline.status(connection)
    }

    /// True when the database has `schema_migrations` in the connection's schema, i.e. Holdfast migrated it.
    public func hasTable(_ connection: PostgresConnection) throws -> Bool {
        try timeline.hasTable(connection)
    }
}
