import Foundation
import Testing
@testable import Store

/// `holdfast backup` and `holdfast restore` on real files: the success paths and every refusal, each of
/// which must leave the current database exactly as it was.
struct BackupRestoreTests {
    let folder: String
    let database: String
    let v1 = Migrator.Migration(version: 1, name: "0001_notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
    let v2 = Migrator.Migration(version: 2, name: "0002_tags", sql: "CREATE TABLE tags (id INTEGER PRIMARY KEY);")
    let v3 = Migrator.Migration(version: 3, name: "0003_future", sql: "CREATE TABLE future (id INTEGER PRIMARY KEY);")

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        database = folder + "/holdfast.sqlite"
    }

    /// A migrated database at `path` holding one note, `body`.
    func makeDatabase(_ path: String, body: String, migrations: [Migrator.Migration]? = nil) throws {
        let db = try SQLiteConnection(path: path)
        try Migrator(migrations: migrations ?? [v1, v2]).migrate(db)
        try db.run("INSERT INTO notes (body) VALUES (?)", [.text(body)])
    }

    func notes(_ path: String) throws -> [String] {
        try SQLiteConnection(path: path).query("SELECT body FROM notes ORDER BY id").compactMap { $0.string("body") }
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: backup

    @Test func backupGoesToBackupsBesideTheDatabaseWithMode0600() throws {
        try makeDatabase(database, body: "live")
        let date = Date(timeIntervalSince1970: 1_790_000_000)
        let path = try DatabaseBackup.write(database: database, now: date)
        #expect(path == folder + "/backups/holdfast-\(DatabaseBackup.stamp(date)).sqlite")
        #expect(DatabaseBackup.stamp(date) == "20260921T141320Z")
        #expect(try mode(path) == 0o600)
        #expect(try mode(folder + "/backups") == 0o700)
        #expect(try notes(path) == ["live"])
        // The same second again: a new name, never the old file replaced.
        let again = try DatabaseBackup.write(database: database, now: date)
        #expect(again.hasSuffix("-2.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    @Test func backupRefusesAMissingDatabaseWithoutCreatingIt() {
        #expect(throws: DatabaseBackup.Failure.noDatabase(database)) { try DatabaseBackup.write(database: database) }
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test func backupNeverReplacesAFile() throws {
        try makeDatabase(database, body: "live")
        let target = folder + "/mine.sqlite"
        _ = FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        #expect(throws: DatabaseBackup.Failure.targetExists(target)) { try DatabaseBackup.write(database: database, to: target) }
        #expect(FileManager.default.contents(atPath: target) == Data("keep".utf8))
    }

    @Test func backupIntoAFolderItCannotWriteSaysSo() throws {
        try makeDatabase(database, body: "live")
        let missing = folder + "/no-such-folder"
        #expect(throws: DatabaseBackup.Failure.folderNotWritable(missing)) {
            try DatabaseBackup.write(database: database, to: missing + "/copy.sqlite")
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    // MARK: restore

    @Test func restoreReplacesTheDatabaseAndKeepsTheOldOneWithItsWAL() throws {
        try makeDatabase(database, body: "old")
        let backup = try DatabaseBackup.write(database: database, to: folder + "/backup.sqlite")
        // A commit after the backup that is still only in the WAL: the kept copy must not lose it.
        let live = try SQLiteConnection(path: database)
        try live.execute("PRAGMA wal_autocheckpoint = 0")
        try live.run("INSERT INTO notes (body) VALUES ('after the backup')")
        let outcome = try withExtendedLifetime(live) {
            try DatabaseRestore.restore(backup, over: database, migrator: Migrator(migrations: [v1, v2]),
                                        now: Date(timeIntervalSince1970: 1_790_000_000))
        }
        #expect(outcome.keptPath == database + ".before-restore-20260921T141320Z")
        #expect(outcome.pending == [])
        #expect(try notes(database) == ["old"])
        #expect(try notes(outcome.keptPath!) == ["old", "after the backup"])
        #expect(try mode(database) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: database + ".restoring"))
    }

    @Test func restoreOfAnOlderBackupReportsThePendingMigrations() throws {
        try makeDatabase(database, body: "current")
        let old = folder + "/old.sqlite"
        try makeDatabase(old, body: "from v1", migrations: [v1])
        let outcome = try DatabaseRestore.restore(old, over: database, migrator: Migrator(migrations: [v1, v2]))
        #expect(outcome.pending == ["0002_tags"])
        #expect(try notes(database) == ["from v1"])
    }

    @Test func restoreRefusesWhileAServiceHoldsTheDatabase() throws {
        try makeDatabase(database, body: "current")
        let backup = try DatabaseBackup.write(database: database, to: folder + "/backup.sqlite")
        let service = try DatabaseLock.acquire(for: database, mode: .shared)
        #expect(throws: DatabaseRestore.Refusal.inUse(lockPath: database + ".lock")) {
            try DatabaseRestore.restore(backup, over: database, migrator: Migrator(migrations: [v1, v2]))
        }
        withExtendedLifetime(service) {}
        try expectUntouched()
    }

    @Test(arguments: ["missing", "text", "damaged", "foreign", "newer"])
    func restoreRefusesABadCandidateAndChangesNothing(kind: String) throws {
        try makeDatabase(database, body: "current")
        let candidate = folder + "/candidate.sqlite"
        let expected: DatabaseRestore.Refusal
        switch kind {
        case "missing":
            expected = .notFound(candidate)
        case "text":
            _ = FileManager.default.createFile(atPath: candidate, contents: Data("not a database".utf8))
            expected = .notSQLite(candidate)
        case "damaged":
            // A real header, then garbage where the schema should be.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try DatabaseBackup.write(database: database, to: candidate))))
            try FileManager.default.removeItem(atPath: candidate)
            for index in 100..<min(bytes.count, 4096) { bytes[index] = 0xA5 }
            _ = FileManager.default.createFile(atPath: candidate, contents: Data(bytes))
            expected = .damaged("")
        case "foreign":
            try SQLiteConnection(path: candidate).execute("CREATE TABLE other (id INTEGER)")
            expected = .notHoldfast(candidate)
        default:
            try makeDatabase(candidate, body: "from the future", migrations: [v1, v2, v3])
            expected = .newer(["0003_future"])
        }
        do {
            _ = try DatabaseRestore.restore(candidate, over: database, migrator: Migrator(migrations: [v1, v2]))
            Issue.record("restored a \(kind) candidate")
        } catch let refusal as DatabaseRestore.Refusal {
            if case .damaged = expected, case .damaged = refusal {} else { #expect(refusal == expected) }
        }
        try expectUntouched()
    }

    /// The current database still holds its note, nothing was kept aside, no staged copy is left.
    func expectUntouched() throws {
        #expect(try notes(database) == ["current"])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!names.contains { $0.contains("before-restore") || $0.contains(".restoring") })
    }
}
