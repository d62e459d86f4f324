import Foundation
import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// Both migration timelines, applied to fresh databases, leave the same logical schema (`SchemaSnapshot`).
struct SchemaEqualityTests {
    static let sqliteMigrations = TestServer.repositoryRoot.appendingPathComponent("Migrations")
    static let postgresMigrations = sqliteMigrations.appendingPathComponent("postgresql")

    /// The SQLite schema of a fresh file migrated by the shipped SQLite migrations.
    func sqliteSchema() throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try SQLiteConnection(path: folder.appendingPathComponent("holdfast.sqlite").path)
        try Migrator(directory: Self.sqliteMigrations).migrate(db)
        return try SchemaSnapshot.sqlite(db)
    }

    /// The PostgreSQL schema of a fresh database migrated by the migrations in `folder`.
    func postgresSchema(migrations folder: URL) throws -> [String] {
        let database = try TestServer.freshDatabase()
        let db = try database.connect()
        try PostgresMigrator(directory: folder).migrate(db)
        return try SchemaSnapshot.postgres(db)
    }

    @Test func bothDialectsShareOneTimeline() throws {
        let sqlite = try Migrator(directory: Self.sqliteMigrations).migrations.map(\.name)
        let postgres = try PostgresMigrator(directory: Self.postgresMigrations).migrations.map(\.name)
        #expect(!sqlite.isEmpty)
        #expect(sqlite == postgres)
    }

    @Test func migratedSchemasAreTheSame() throws {
        let sqlite = try sqliteSchema()
        let postgres = try postgresSchema(migrations: Self.postgresMigrations)
        // The comparison saw the schema, not two empty lists.
        #expect(sqlite.contains("users: unique index (lower(email))"))
        #expect(sqlite.contains("holdings: column id INTEGER NOT NULL IDENTITY"))
        #expect(sqlite.contains("holding_wallets: foreign key (holding_id) references holdings(id) on delete CASCADE"))
        #expect(sqlite.contains("exchange_connections: 5 check constraints"))
        let difference = SchemaSnapshot.difference(sqlite: sqlite, postgres: postgres)
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// The comparison can fail: a PostgreSQL timeline broken on purpose (a nullable column, a lost ON DELETE, a
    /// lost CHECK, a case-sensitive email index) is reported line by line.
    @Test func brokenCopyOfTheMigrationsIsReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.postgresMigrations, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let url = folder.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "\(file) no longer contains \(old)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("0001_initial.sql", "token_id     BIGINT NOT NULL REFERENCES tokens(id),",
                 "token_id     BIGINT REFERENCES tokens(id) ON DELETE CASCADE,")
        try edit("0001_initial.sql", "ON users (lower(email))", "ON users (email)")
        try edit("0004_login_throttle.sql", "BIGINT NOT NULL CHECK (failures > 0)", "BIGINT NOT NULL")

        let difference = try #require(SchemaSnapshot.difference(sqlite: try sqliteSchema(),
                                                               postgres: try postgresSchema(migrations: folder)))
        print(difference)
        let expected = [
            "only in SQLite:     holdings: column token_id INTEGER NOT NULL",
            "only in PostgreSQL: holdings: column token_id INTEGER",
            "only in SQLite:     holdings: foreign key (token_id) references tokens(id) on delete NO ACTION",
            "only in PostgreSQL: holdings: foreign key (token_id) references tokens(id) on delete CASCADE",
            "only in SQLite:     users: unique index (lower(email))",
            "only in PostgreSQL: users: unique index (email)",
            "only in SQLite:     login_throttle: 1 check constraints",
            "only in PostgreSQL: login_throttle: 0 check constraints",
        ]
        for line in expected { #expect(difference.contains(line), "missing \(line) in\n\(difference)") }
        #expect(difference.split(separator: "\n").count == expected.count + 1, "\(difference)")
    }
}
