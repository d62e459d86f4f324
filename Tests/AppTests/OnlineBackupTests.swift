import Foundation
import Store
import Testing
import Vault
@testable import App

/// `holdfast backup` while the database is being written, as it is when the responder serves and a sync
/// runs: every copy is whole, migrated, and its credentials open with the key ring.
struct OnlineBackupTests {
    /// Set by the test, read by the writer threads; counts their writes and which of them have returned.
    final class StopFlag: @unchecked Sendable {
        // @unchecked: `stopped`, `count` and `done` are only touched under `lock`.
        private let lock = NSLock()
        private var stopped = false
        private var count = 0
        private var done = 0
        func stop() { lock.withLock { stopped = true } }
        var isStopped: Bool { lock.withLock { stopped } }
        func wrote() { lock.withLock { count += 1 } }
        var writes: Int { lock.withLock { count } }
        func finished() { lock.withLock { done += 1 } }
        var finishedWriters: Int { lock.withLock { done } }
    }

    @Test func copiesTakenDuringWritesAreConsistentAndOpenWithTheKeyRing() throws {
        let t = try TestApp()
        let userID = try t.addUser("ada@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        let flag = StopFlag()
        let database = t.app.database
        // Two writers on their own threads (each gets its own connection from `Database`), like the
        // responder's workers and a sync run.
        let writers = (0..<2).map { _ in
            Thread {
                while !flag.isStopped {
                    do {
                        let id = UUID().uuidString.lowercased()
                        try database.write { db in
                            try db.run("""
                                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, created_at, updated_at)
                                VALUES (?, ?, 'kraken', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                                """, [.text(id), .text(userID), .text(try cipher.seal("k", connectionId: id, field: .apiKey)),
                                      .text(try cipher.seal("s", connectionId: id, field: .apiSecret))])
                            try db.run("UPDATE exchange_connections SET updated_at = ? WHERE user_id = ?", [.text(Timestamp.now()), .text(userID)])
                        }
                        flag.wrote()
                    } catch {
                        // A busy timeout under this load is possible and harmless here; the copies are what is tested.
                    }
                }
                flag.finished()
            }
        }
        writers.forEach { $0.start() }
        defer { flag.stop() }
        // Wait (bounded) until writes are really under way, instead of sleeping a fixed time.
        let started = Date()
        while flag.writes < 20 && Date().timeIntervalSince(started) < 30 { usleep(1_000) }
        #expect(flag.writes >= 20)

        var copies: [String] = []
        for _ in 0..<3 {
            copies.append(try DatabaseBackup.write(database: database.path))
        }
        flag.stop()
        // A writer that hangs (a lock never released by the backup) must fail the test, not be left behind.
        let stopping = Date()
        while flag.finishedWriters < writers.count && Date().timeIntervalSince(stopping) < 30 { usleep(1_000) }
        #expect(flag.finishedWriters == writers.count, "a writer thread did not finish within 30 s of being stopped")
        for copy in copies {
            let connection = try SQLiteConnection(path: copy)
            #expect(try connection.query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") } == ["ok"])
            #expect(try Migrator(directory: TestApp.migrations).status(connection) == .current)
            let keys = try KeyRingCheck.run(Database(path: copy), keyRing: t.app.configuration.keyRing)
            #expect(keys.stored > 0 && keys.openWithActive == keys.stored)
        }
    }
}
