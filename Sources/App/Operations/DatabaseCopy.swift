import Foundation
import PostgreSQL
import Store

/// `holdfast db copy --from FILE --to URL`: moves a Holdfast SQLite database into an empty PostgreSQL database.
///
/// The order of work, each step refusing before anything is written to the target:
/// 1. the source is opened read-only and read in one read transaction, so the copy is one consistent snapshot
///    even if a responder or timer still writes the file (operators are told to stop them first anyway);
/// 2. the source must be a Holdfast database with every shipped migration applied and none unknown;
/// 3. the target must be either empty (no tables: it gets the schema from `PostgresMigrator`) or migrated to
///    exactly this install's version; and both sides must have the same tables with the same columns;
/// 4. in ONE target transaction: refuse if any table holds a row, copy every table in foreign-key order in
///    batches, move each identity sequence past the copied ids, then verify each table's row count and
///    primary-key checksum against the source; any failure rolls everything back.
///
/// Values go as stored: text stays text (amounts are exact decimal text, sealed credentials are copied sealed,
/// never opened), integers as BIGINT, blobs as bytea. Blocking throughout: call it from a thread of its own.
public enum DatabaseCopy {
    /// Rows read from the source per batch: bounds memory whatever the table's size.
    public static let defaultBatchSize = 10_000

    /// Copies the SQLite database at `sourcePath` into the PostgreSQL database at `targetURL` (a `postgresql://`
    /// URL or libpq keyword string; its password may also come from `PGPASSWORD` or `~/.pgpass`, as libpq
    /// reads them). `migrations` is the folder of the SQLite migrations, with the PostgreSQL ones in its
    /// `postgresql/` subfolder.
    ///
    /// `afterTable` is called with each table's name and row count once its rows are in the (still open) target
    /// transaction: for progress display, and for tests that act between two tables.
    ///
    /// - Returns: the rows copied per table, in copy order, and the time taken.
    /// - Throws: `DatabaseCopyError` for every refusal and failure (the target is left as it was found);
    ///   `MigrationError` when a migration file in `migrations` is misnamed.
    public static func copy(from sourcePath: String, to targetURL: String, migrations: URL,
                            batchSize: Int = defaultBatchSize,
                            afterTable: (String, Int) -> Void = { _, _ in }) throws -> DatabaseCopyReport {
        let started = ContinuousClock.now
        let sqliteMigrator = try Migrator(directory: migrations)
        let postgresMigrator = try PostgresMigrator(directory: migrations.appendingPathComponent("postgresql"))

        guard FileManager.default.fileExists(atPath: sourcePath) else { throw DatabaseCopyError.noSource(sourcePath) }
        let source = try readingSource(sourcePath) { try SQLiteConnection(readOnlyPath: sourcePath) }
        // A deferred BEGIN takes its snapshot at the first read, and every later read sees that same snapshot.
        try readingSource(sourcePath) { try source.execute("BEGIN") }
        defer { try? source.execute("ROLLBACK") }
        try checkSource(source, at: sourcePath, migrator: sqliteMigrator)
        let tables = try CopySchema.insertionOrder(readingSource(sourcePath) { try CopySchema.sourceTables(in: source) })

        let target: PostgresConnection
        do {
            target = try PostgresConnection(connectionString: targetURL)
        } catch let error as PostgresError {
            throw DatabaseCopyError.targetUnreachable(error.message)
        }
        try onTarget { try prepareTarget(target, migrator: postgresMigrator) }
        try checkSameTables(tables, target: try onTarget { try CopySchema.targetTables(in: target) })

        let copied = try onTarget {
            try target.transaction { db in
                try refuseRows(in: tables, of: db)
                var copied: [(table: CopyTable, source: KeyChecksum)] = []
                for table in tables {
                    let checksum = try TableCopy.copy(table, from: source, sourcePath: sourcePath, to: db,
                                                      batchSize: batchSize)
                    copied.append((table, checksum))
                    afterTable(table.name, checksum.count)
                }
                for table in tables { try TableCopy.advanceSequences(of: table, in: db) }
                for (table, checksum) in copied { try TableCopy.verify(table, against: checksum, in: db) }
                return copied
            }
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        return DatabaseCopyReport(tables: copied.map { ($0.table.name, $0.source.count) }, seconds: seconds)
    }

    /// The source must be a Holdfast database whose every migration is shipped with this install and applied.
    private static func checkSource(_ source: SQLiteConnection, at path: String, migrator: Migrator) throws {
        let status: Migrator.Status
        do {
            guard try readingSource(path, { try migrator.hasTable(source) }) else {
                throw DatabaseCopyError.notHoldfast(path)
            }
            status = try migrator.status(source)
        } catch let error as MigrationError {
            throw DatabaseCopyError.sourceMigrationsUnknown(error.description)
        }
        if case .pending(let names) = status { throw DatabaseCopyError.sourceNotMigrated(names) }
    }

    /// Gives an empty target the schema, accepts one already at this install's version, refuses anything else
    /// without changing it: a migrated target at another version, or tables without a migration record.
    private static func prepareTarget(_ target: PostgresConnection, migrator: PostgresMigrator) throws {
        do {
            if try migrator.hasTable(target) {
                if case .pending(let names) = try migrator.status(target) {
                    throw DatabaseCopyError.targetVersionMismatch("it lacks \(names.joined(separator: ", "))")
                }
                return
            }
        } catch let error as MigrationError {
            throw DatabaseCopyError.targetVersionMismatch(error.description)
        }
        let existing = try CopySchema.targetTables(in: target).keys.sorted()
        guard existing.isEmpty else { throw DatabaseCopyError.targetNotHoldfast(existing) }
        try migrator.migrate(target)
    }

    /// Both sides must have the same tables with the same columns, or the copy would drop or invent data.
    private static func checkSameTables(_ tables: [CopyTable], target: [String: [String]]) throws {
        let sourceNames = Set(tables.map(\.name))
        if let only = sourceNames.subtracting(target.keys).sorted().first {
            throw DatabaseCopyError.tableOnOneSide(table: only, side: "source")
        }
        if let only = Set(target.keys).subtracting(sourceNames).sorted().first {
            throw DatabaseCopyError.tableOnOneSide(table: only, side: "target")
        }
        for table in tables {
            let columns = target[table.name] ?? []
            if Set(columns) != Set(table.columns) {
                throw DatabaseCopyError.columnsDiffer(table: table.name, source: table.columns, target: columns)
            }
        }
    }

    /// Refuses a target with a row in any table: a copy never merges into existing data.
    private static func refuseRows(in tables: [CopyTable], of db: PostgresConnection) throws {
        let occupied = try tables.filter { table in
            try db.queryOne("SELECT EXISTS (SELECT 1 FROM \(table.quotedName)) AS occupied")?.bool("occupied") ?? false
        }
        if !occupied.isEmpty { throw DatabaseCopyError.targetNotEmpty(occupied.map(\.name)) }
    }

    /// Runs a read of the source, turning SQLite's failures (not a database, unreadable) into `sourceUnreadable`.
    static func readingSource<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw DatabaseCopyError.sourceUnreadable(path: path, reason: error.description)
        }
    }

    /// Runs work on the target, turning PostgreSQL's failures outside any one table into `targetFailed`.
    private static func onTarget<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            throw DatabaseCopyError.targetFailed(error.message)
        }
    }
}

/// What `DatabaseCopy.copy` did: rows per table in copy order, and how long it took.
public struct DatabaseCopyReport: Sendable, Equatable {
    /// One copied table and its row count.
    public struct Table: Sendable, Equatable {
        public let name: String
        public let rows: Int
    }

    /// The tables in the order they were copied (parents before children).
    public let tables: [Table]
    /// Wall time of the whole copy, checks and verification included, in seconds.
    public let seconds: Double

    init(tables: [(String, Int)], seconds: Double) {
        self.tables = tables.map { Table(name: $0.0, rows: $0.1) }
        self.seconds = seconds
    }

    /// Rows copied over all tables.
    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }

    private static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

    /// What the CLI prints: `users: 3 rows` per table, then `copied N rows in T s`.
    public var lines: [String] {
        tables.map { "\($0.name): \(Self.rows($0.rows))" }
            + ["copied \(Self.rows(totalRows)) in \(String(format: "%.1f", seconds)) s"]
    }
}
