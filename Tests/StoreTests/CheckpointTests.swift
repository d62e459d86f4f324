import Foundation
import Testing
@testable import Store

/// The WAL stays bounded: a reader of an old snapshot makes checkpoints incomplete (and the WAL grow), and once
/// it is gone one checkpoint brings the file back under the limit.
struct CheckpointTests {
    @Test func aHeldReaderKeepsTheWALGrowingUntilItLetsGo() throws {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        let writer = try SQLiteConnection(path: path)
        try writer.execute("CREATE TABLE t (filler BLOB)")
        let reader = try SQLiteConnection(path: path)
        try reader.execute("BEGIN")
        _ = try reader.query("SELECT count(*) AS n FROM t")  // the read transaction now holds its snapshot

        // 2,600 transactions of 4 KiB rows: more than 10 MiB of WAL that no checkpoint may reuse.
        for _ in 0..<2_600 { try writer.run("INSERT INTO t VALUES (zeroblob(4000))") }
        #expect(writer.walFileSize > SQLiteConnection.walSizeLimitBytes)
        let blocked = writer.checkpoint()
        #expect(!blocked.complete)
        #expect(blocked.walBytes > SQLiteConnection.walSizeLimitBytes)

        try reader.execute("COMMIT")
        let done = writer.checkpoint()
        #expect(done.complete)
        #expect(done.walBytes <= SQLiteConnection.walSizeLimitBytes)
        #expect(try writer.queryOne("SELECT count(*) AS n FROM t")?.int("n") == 2_600)
    }

    @Test func journalSizeLimitIsSetOnEveryConnection() throws {
        let connection = try SQLiteConnection(path: try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path)
        #expect(try connection.queryOne("PRAGMA journal_size_limit")?.int("journal_size_limit") == Int(SQLiteConnection.walSizeLimitBytes))
    }
}
