import CSQLite
import Foundation
import Testing
@testable import Store

/// A genuine SQLITE_FULL (a database capped with `max_page_count`) marks writes as failing; a committed write
/// (or the probe, once there is room again) clears it.
struct WriteHealthTests {
    @Test func aFullDatabaseIsRecordedAndClearedByTheProbe() throws {
        let database = Database(path: try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path)
        // Database hands out one connection per thread; a synchronous test stays on its thread throughout.
        try database.write { try $0.execute("CREATE TABLE t (filler BLOB)") }
        let pages = try database.read { try $0.queryOne("PRAGMA page_count")?.int("page_count") } ?? 2
        try database.read { try $0.execute("PRAGMA max_page_count = \(pages + 8)") }
        var full: SQLiteError?
        for _ in 0..<64 {
            do { try database.write { try $0.run("INSERT INTO t VALUES (zeroblob(4000))") } } catch let error as SQLiteError {
                full = error
                break
            }
        }
        #expect(full?.primaryCode == SQLITE_FULL)
        #expect(database.writeHealth.currentFailure?.reason == "disk_full")

        // Still full: the probe fails too, and the failure stays with its first time.
        let since = database.writeHealth.currentFailure?.since
        database.probeWritesIfFailing(interval: 0)
        #expect(database.writeHealth.currentFailure?.since == since)

        try database.read { try $0.execute("PRAGMA max_page_count = 1000000") }
        database.probeWritesIfFailing(interval: 0)
        #expect(database.writeHealth.currentFailure == nil)
        #expect(try database.read { try $0.queryOne("SELECT count(*) AS n FROM sqlite_master WHERE name = 'holdfast_write_probe'")?.int("n") } == 0)
    }

    @Test func errorsThatAreNotAboutTheStorageLeaveItAlone() throws {
        let database = Database(path: try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path)
        try database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)") }
        try database.write { try $0.run("INSERT INTO t VALUES (1)") }
        #expect(throws: SQLiteError.self) { try database.write { try $0.run("INSERT INTO t VALUES (1)") } }
        #expect(database.writeHealth.currentFailure == nil)
    }

    @Test func reasonsByResultCode() {
        func reason(_ code: Int32, errno: Int32? = nil) -> String? {
            WriteHealth.storageReason(SQLiteError(code: code, message: "", sql: nil, systemErrno: errno))
        }
        #expect(reason(SQLITE_FULL) == "disk_full")
        #expect(reason(SQLITE_IOERR | (3 << 8), errno: ENOSPC) == "disk_full")  // SQLITE_IOERR_WRITE
        #expect(reason(SQLITE_IOERR | (4 << 8), errno: EIO) == "io_error")      // SQLITE_IOERR_FSYNC
        #expect(reason(SQLITE_READONLY) == "read_only")
        #expect(reason(SQLITE_CONSTRAINT) == nil)
        #expect(reason(SQLITE_BUSY) == nil)
    }

    @Test func probeRunsAtMostOncePerInterval() {
        let health = WriteHealth()
        let now = Date()
        #expect(health.claimProbe(at: now, interval: 5))
        #expect(!health.claimProbe(at: now.addingTimeInterval(1), interval: 5))
        #expect(health.claimProbe(at: now.addingTimeInterval(6), interval: 5))
    }
}
