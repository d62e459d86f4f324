import Foundation
import Testing
@testable import Store

/// Migrations on a real temp SQLite file.
struct MigratorTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() throws -> SQLiteConnection { try SQLiteConnection(path: directory.appendingPathComponent("db.sqlite").path) }

    let first = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);")
    let second = Migrator.Migration(version: 2, name: "0002_b", sql: "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id) ON DELETE CASCADE);")

    @Test func appliesInOrderOnceAndReportsStatus() throws {
        let db = try open()
        let migrator = Migrator(migrations: [second, first])
        #expect(try migrator.status(db) == .pending(["0001_a", "0002_b"]))
        #expect(try migrator.migrate(db) == ["0001_a", "0002_b"])
        #expect(try migrator.migrate(db) == [])
        #expect(try migrator.status(db) == .current)
        #expect(try db.query("SELECT version FROM schema_migrations ORDER BY version").map { $0.int("version") } == [1, 2])
    }

    @Test func changedShippedMigrationIsRefused() throws {
        let db = try open()
        try Migrator(migrations: [first]).migrate(db)
        let edited = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY);")
        #expect(throws: MigrationError.checksumMismatch("0001_a")) { try Migrator(migrations: [edited]).migrate(db) }
    }

    @Test func failingMigrationLeavesNothingBehind() throws {
        let db = try open()
        let broken = Migrator.Migration(version: 2, name: "0002_broken", sql: "CREATE TABLE c (id INTEGER); SELECT * FROM missing_table;")
        #expect(throws: SQLiteError.self) { try Migrator(migrations: [first, broken]).migrate(db) }
        #expect(try db.queryOne("SELECT name FROM sqlite_master WHERE name = 'c'") == nil)
        #expect(try Migrator(migrations: [first, broken]).status(db) == .pending(["0002_broken"]))
    }

    @Test func foreignKeysAreEnforcedOnEveryConnection() throws {
        let db = try open()
        try Migrator(migrations: [first, second]).migrate(db)
        let other = try open()
        #expect(throws: SQLiteError.self) { try other.run("INSERT INTO b (a_id) VALUES (42)") }
        try other.run("INSERT INTO a (id, v) VALUES (1, 'x')")
        try other.run("INSERT INTO b (a_id) VALUES (1)")
        try db.run("DELETE FROM a WHERE id = 1")
        #expect(try db.query("SELECT * FROM b").isEmpty)
    }

    @Test func transactionRollsBackOnError() throws {
        let db = try open()
        try Migrator(migrations: [first]).migrate(db)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction { tx in
                try tx.run("INSERT INTO a (v) VALUES (?)", ["kept?"])
                throw Boom()
            }
        }
        #expect(try db.query("SELECT * FROM a").isEmpty)
    }

    @Test func bindsAndReadsEveryType() throws {
        let db = try open()
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(-7), .real(1.5), .text("héllo ✓"), .blob([0, 1, 255]), .null])
        let row = try #require(try db.queryOne("SELECT * FROM t"))
        #expect(row.int("i") == -7)
        #expect(row.columns["r"] == .real(1.5))
        #expect(row.string("s") == "héllo ✓")
        #expect(row.blob("b") == [0, 1, 255])
        #expect(row.string("n") == nil)
    }

    @Test func loadsMigrationFilesFromTheRepository() throws {
        let repoMigrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Migrations").standardized
        let migrator = try Migrator(directory: repoMigrations)
        #expect(migrator.migrations.first?.name == "0001_initial")
        let db = try open()
        try migrator.migrate(db)
        #expect(try db.queryOne("SELECT name FROM sqlite_master WHERE name = 'exchange_connections'") != nil)
    }
}
