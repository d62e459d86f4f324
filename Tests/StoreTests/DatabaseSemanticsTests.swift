import Foundation
import Testing
@testable import Store

/// What a `read` and a `write` promise: one snapshot per read, no nesting, no handle outliving its closure.
struct DatabaseSemanticsTests {
    @Test func aReadSeesOneCommitEvenWhenAWriterCommitsBetweenItsQueries() throws {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        let database = Database(path: path)
        try database.write { db in
            try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            try db.run("INSERT INTO t (id, value) VALUES (1, 10)")
        }
        let firstQueryDone = DispatchSemaphore(value: 0), writerCommitted = DispatchSemaphore(value: 0)
        let writer = Thread {
            firstQueryDone.wait()
            _ = try? database.write { try $0.run("UPDATE t SET value = 20 WHERE id = 1") }
            writerCommitted.signal()
        }
        writer.start()
        let seen = try database.read { db in
            let first = try db.queryOne("SELECT value FROM t WHERE id = 1")?.int("value")
            firstQueryDone.signal()
            let committed = writerCommitted.wait(timeout: .now() + 30) == .success
            let second = try db.queryOne("SELECT value FROM t WHERE id = 1")?.int("value")
            return (first, second, committed)
        }
        #expect(seen.2, "the writer must commit while the read is open")
        #expect(seen.0 == 10 && seen.1 == 10)
        #expect(try database.read { try $0.queryOne("SELECT value FROM t WHERE id = 1")?.int("value") } == 20)
    }

    @Test func aFailedReadRollsBackAndTheConnectionIsUsableAgain() throws {
        let database = Database(path: try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path)
        #expect(throws: SQLiteError.self) { try database.read { try $0.query("SELECT * FROM missing") } }
        // A read left open would make this BEGIN fail ("cannot start a transaction within a transaction").
        #expect(try database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        try database.write { try $0.execute("CREATE TABLE t (id INTEGER)") }
    }

    @Test func aWriteInsideAReadOfTheSameDatabaseTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nest-\(UUID().uuidString).sqlite").path
            let database = Database(path: path)
            try? database.read { _ in try database.write { _ in } }
        }
    }

    @Test func aReadInsideAWriteOfTheSameDatabaseTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nest-\(UUID().uuidString).sqlite").path
            let database = Database(path: path)
            try? database.write { _ in try database.read { _ in } }
        }
    }

    @Test func twoDatabasesOnOneFileMayNest() throws {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        let outer = Database(path: path), inner = Database(path: path)
        let one = try outer.read { _ in try inner.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } }
        #expect(one == 1)
    }

    @Test func aConnectionUsedAfterItsClosureReturnedTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("escape-\(UUID().uuidString).sqlite").path
            let database = Database(path: path)
            var kept: Connection?
            try? database.read { kept = $0 }
            _ = try? kept?.query("SELECT 1")
        }
    }

    @Test func aConnectionUsedOnAnotherThreadTraps() async {
        await #expect(processExitsWith: .failure) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("thread-\(UUID().uuidString).sqlite").path
            let database = Database(path: path)
            try? database.read { db in
                let done = DispatchSemaphore(value: 0)
                nonisolated(unsafe) let lent = db
                Thread { _ = try? lent.query("SELECT 1"); done.signal() }.start()
                done.wait()
            }
        }
    }
}
