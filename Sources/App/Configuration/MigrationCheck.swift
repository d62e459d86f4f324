import Foundation
import Store

/// "Is the database migrated?", asked in one place: by the services before they start
/// (`ServiceStartup.check`), by `/health` (`Application.migrationStatus`) and by `holdfast migrate --check`.
public enum MigrationCheck {
    /// The migrator for the configured folder: its SQLite files, or for a PostgreSQL `location` the files of its
    /// `postgresql/` subfolder (same numbers and names, so `status` reads either database's `schema_migrations`).
    /// Throws `ConfigurationError` naming `HOLDFAST_MIGRATIONS_DIR` when no folder was set or found, and
    /// `MigrationError` when a file name is malformed.
    public static func migrator(directory: URL?, for location: DatabaseLocation = .sqlite(path: "")) throws -> Migrator {
        guard let directory else {
            throw ConfigurationError(setting: "HOLDFAST_MIGRATIONS_DIR", problem: "is not set and no Migrations folder was found")
        }
        return try Migrator(directory: location.isSQLite ? directory : postgresDirectory(in: directory))
    }

    /// The PostgreSQL migrations beside the SQLite ones in `directory`.
    public static func postgresDirectory(in directory: URL) -> URL {
        directory.appendingPathComponent("postgresql")
    }

    /// Whether every shipped migration has been applied to `database`, in one read transaction. Throws
    /// `MigrationError` when the database holds a migration this install does not ship (a newer Holdfast
    /// migrated it) or one that changed, and the store's error when it cannot be read.
    public static func status(of database: Database, migrator: Migrator) throws -> Migrator.Status {
        try database.read { try migrator.status($0) }
    }
}
