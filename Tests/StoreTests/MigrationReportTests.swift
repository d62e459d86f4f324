import Foundation
import Testing
@testable import Store

/// `holdfast migrate --status` and the refusal of a database migrated by a newer Holdfast.
struct MigrationReportTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).sqlite").path

    let first = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY);")
    let second = Migrator.Migration(version: 2, name: "0002_b", sql: "CREATE TABLE b (id INTEGER PRIMARY KEY);")
    let third = Migrator.Migration(version: 3, name: "0003_c", sql: "CREATE TABLE c (id INTEGER PRIMARY KEY);")

    @Test func reportsAppliedPendingAndUnknownInVersionOrder() throws {
        let db = try SQLiteConnection(path: path)
        #expect(try Migrator(migrations: [first, second]).report(db).map(\.state) == [.pending, .pending])
        // A newer Holdfast applied 0001 and 0003; this install ships 0001 and 0002.
        try Migrator(migrations: [first, third]).migrate(db)
        let report = try Migrator(migrations: [first, second]).report(db)
        #expect(report.map { "\($0.state.rawValue) \($0.name)" } == ["applied 0001_a", "pending 0002_b", "unknown 0003_c"])
    }

    @Test func migrateRefusesAnUnknownAppliedMigrationAndSaysWhatToDo() throws {
        let db = try SQLiteConnection(path: path)
        try Migrator(migrations: [first, third]).migrate(db)
        let older = Migrator(migrations: [first, second])
        #expect(throws: MigrationError.unknownApplied("0003_c")) { try older.migrate(db) }
        #expect(throws: MigrationError.unknownApplied("0003_c")) { try older.status(db) }
        #expect(MigrationError.unknownApplied("0003_c").description.contains("made by a newer Holdfast"))
        // Nothing of the older timeline was applied on the way to the refusal.
        #expect(try db.queryOne("SELECT name FROM sqlite_master WHERE name = 'b'") == nil)
    }

    @Test func reportStillRefusesAnEditedMigration() throws {
        let db = try SQLiteConnection(path: path)
        try Migrator(migrations: [first]).migrate(db)
        let edited = Migrator.Migration(version: 1, name: "0001_a", sql: "CREATE TABLE a (id INTEGER);")
        #expect(throws: MigrationError.checksumMismatch("0001_a")) { try Migrator(migrations: [edited]).report(db) }
    }
}
