import Foundation
@testable import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// The PostgreSQL migrator: once each, recorded, refused when changed, safe when two hosts start together.
struct PostgresMigratorTests {
    let database: TestDatabase
    let shipped = TestServer.repositoryRoot.appendingPathComponent("Migrations/postgresql")

    init() throws { database = try TestServer.freshDatabase() }

    let first = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id BIGINT PRIMARY KEY, v TEXT);")
    let second = Migrator.Migration(version: 2, name: "0002_b", sql: "CREATE TABLE b (id BIGINT PRIMARY KEY);")

    @Test func shippedMigrationsApplyOnceAndTwiceIsANoOp() throws {
        let db = try database.connect()
        let migrator = try PostgresMigrator(directory: shipped)
        #expect(try !migrator.hasTable(db))
        #expect(try migrator.status(db) == .pending(migrator.migrations.map(\.name)))
        #expect(try migrator.migrate(db) == migrator.migrations.map(\.name))
        #expect(try migrator.migrate(db) == [])
        #expect(try migrator.status(db) == .current)
        let recorded = try db.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        #expect(recorded.map { $0.int("version") } == migrator.migrations.map(\.version))
        #expect(recorded.map { $0.string("checksum") } == migrator.migrations.map(\.checksum))
    }

    @Test func changedShippedMigrationIsRefused() throws {
        let db = try database.connect()
        try PostgresMigrator(migrations: [first]).migrate(db)
        let edited = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id BIGINT PRIMARY KEY);")
        #expect(throws: MigrationError.checksumMismatch("0001_a")) {
            try PostgresMigrator(migrations: [edited]).migrate(db)
        }
        #expect(throws: MigrationError.unknownApplied("0001_a")) { try PostgresMigrator(migrations: []).migrate(db) }
    }

    @Test func failingMigrationLeavesNothingOfItselfBehind() throws {
        let db = try database.connect()
        let broken = Migrator.Migration(version: 2, name: "0002_broken",
                                        sql: "CREATE TABLE c (id BIGINT); SELECT * FROM missing_table;")
        let error = try #require(throws: PostgresError.self) {
            try PostgresMigrator(migrations: [first, broken]).migrate(db)
        }
        #expect(error.sqlState == "42P01")
        #expect(try db.queryOne("SELECT to_regclass('c') IS NULL AS gone")?.bool("gone") == true)
        #expect(try db.query("SELECT name FROM schema_migrations").map { $0.string("name") } == ["0001_a"])
        // The advisory lock went with the failure: the fixed timeline applies on the same connection.
        #expect(try PostgresMigrator(migrations: [first, second]).migrate(db) == ["0002_b"])
    }

    @Test func twoHostsMigratingAtOnceApplyEachFileOnce() throws {
        let migrator = try PostgresMigrator(directory: shipped)
        let applied = Locked<[[String]]>([])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do {
                let names = try migrator.migrate(try database.connect())
                applied.update { $0.append(names) }
            } catch {
                failures.update { $0.append("\(error)") }
            }
        }
        #expect(failures.value == [])
        #expect(applied.value.flatMap { $0 }.sorted() == migrator.migrations.map(\.name))
        #expect(applied.value.filter { !$0.isEmpty }.count == 1)
    }
}
