import Foundation
import Primitives

/// Applies the ordered, immutable SQL files in `Migrations/` and records each with a checksum.
///
/// Each file `NNNN_name.sql` runs once, inside its own transaction, and is recorded in `schema_migrations`.
/// A shipped migration must never change: if a recorded checksum differs from the file's, the migrator
/// refuses to go on rather than guess which schema the database really has.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
        public var checksum: String { Hex.encode(Digest.sha256(sql)) }
    }

    /// Where the database stands relative to the migration files.
    public enum Status: Equatable, Sendable {
        case current
        case pending([String])
    }

    /// Where one migration stands in a database, as `holdfast migrate --status` prints it.
    public enum State: String, Sendable, Equatable {
        /// Shipped with this install and recorded in the database.
        case applied
        /// Shipped with this install, not yet applied.
        case pending
        /// Recorded in the database but not shipped with this install: made by a newer Holdfast.
        case unknown
    }

    /// The shipped migrations, ordered by version.
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Loads every `NNNN_name.sql` in `directory`, ordered by number.
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for name in names where name.hasSuffix(".sql") {
            let stem = String(name.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(name)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            migrations.append(Migration(version: version, name: stem, sql: sql))
        }
        let versions = migrations.map(\.version)
        if Set(versions).count != versions.count { throw MigrationError.duplicateVersion }
        self.init(migrations: migrations)
    }

    /// Applies every pending migration, in version order, and returns the names applied: the one apply loop of
    /// both dialects (`PostgresMigrator` calls it too). Each file and its record in `schema_migrations` are one
    /// transaction; the whole run excludes other migrators of the database (`MigratingConnection`).
    ///
    /// Takes a connection of its own, outside any `Database.read`/`write`: each migration is its own
    /// transaction, which cannot nest inside another.
    ///
    /// - Throws: `MigrationError.checksumMismatch` / `.unknownApplied` before applying anything when the database
    ///   records a changed or unknown migration; the database's error when a file fails (its transaction is
    ///   rolled back; the ones before it stay applied and recorded).
    @discardableResult
    public func migrate(_ connection: some MigratingConnection) throws -> [String] {
        try connection.excludingOtherMigrators {
            try connection.createMigrationTableIfMissing()
            let applied = try verifiedAppliedVersions(connection)
            var names: [String] = []
            for migration in migrations where !applied.contains(migration.version) {
                try connection.inMigrationTransaction {
                    try connection.execute(migration.sql)
                    try connection.run(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                        [.int(migration.version), .text(migration.name), .text(migration.checksum),
                         .text(Timestamp.now())])
                }
                names.append(migration.name)
            }
            return names
        }
    }

    /// Whether the database is fully migrated, without changing it.
    public func status(_ connection: Connection) throws -> Status {
        let applied = try hasTable(connection) ? try verifiedAppliedVersions(connection) : []
        let pending = migrations.filter { !applied.contains($0.version) }.map(\.name)
        return pending.isEmpty ? .current : .pending(pending)
    }

    /// Every migration, shipped or recorded, with its state, ordered by version; changes nothing.
    ///
    /// Unlike `status`, an unknown applied migration is reported rather than thrown, so an operator can see
    /// which newer migrations a database carries. A changed checksum still throws `checksumMismatch`.
    /// A database without `schema_migrations` reports every shipped migration as pending.
    public func report(_ connection: Connection) throws -> [(state: State, name: String)] {
        var recorded: [Int: String] = [:]
        if try hasTable(connection) {
            for row in try connection.query("SELECT version, name, checksum FROM schema_migrations") {
                guard let version = row.int("version") else { continue }
                recorded[version] = row.string("name") ?? String(version)
                if let migration = migrations.first(where: { $0.version == version }),
                   migration.checksum != row.string("checksum") {
                    throw MigrationError.checksumMismatch(migration.name)
                }
            }
        }
        let shipped = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        return Set(recorded.keys).union(shipped.keys).sorted().map { version in
            switch (shipped[version], recorded[version]) {
            case (let name?, _?): (.applied, name)
            case (let name?, nil): (.pending, name)
            case (nil, let name): (.unknown, name ?? String(version))
            }
        }
    }

    /// True when the database has the `schema_migrations` table, i.e. it was ever migrated by Holdfast.
    public func hasTable(_ connection: Connection) throws -> Bool {
        // The catalogue is the one thing the two dialects name differently.
        let sql = switch connection.dialect {
        case .sqlite: "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        case .postgresql:
            "SELECT 1 AS present FROM information_schema.tables WHERE table_schema = current_schema() "
                + "AND table_name = 'schema_migrations'"
        }
        return try connection.queryOne(sql) != nil
    }

    private func verifiedAppliedVersions(_ connection: Connection) throws -> Set<Int> {
        let rows = try connection.query("SELECT version, name, checksum FROM schema_migrations")
        var versions = Set<Int>()
        for row in rows {
            guard let version = row.int("version") else { continue }
            versions.insert(version)
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw MigrationError.unknownApplied(row.string("name") ?? String(version))
            }
            if migration.checksum != row.string("checksum") {
                throw MigrationError.checksumMismatch(migration.name)
            }
        }
        return versions
    }
}

/// Why migrations could not be applied.
public enum MigrationError: Error, CustomStringConvertible, Equatable {
    /// A file in `Migrations/` is not named `NNNN_name.sql`.
    case badFileName(String)
    /// Two files share a version number.
    case duplicateVersion
    /// A shipped migration was edited after a database recorded it.
    case checksumMismatch(String)
    /// The database records a migration this install does not ship: it was made by a newer Holdfast.
    case unknownApplied(String)

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file \(name) is not named NNNN_name.sql"
        case .duplicateVersion: "two migration files share a version number"
        case .checksumMismatch(let name):
            "migration \(name) was changed after it was applied; shipped migrations are immutable — add a new one"
        case .unknownApplied(let name):
            "the database has migration \(name) applied, made by a newer Holdfast: install that version or restore "
                + "the backup taken before the upgrade (`holdfast restore PATH`)"
        }
    }
}
