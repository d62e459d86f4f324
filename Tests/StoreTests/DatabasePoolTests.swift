import Foundation
import Testing
@testable import Store

/// `Database` lends pooled connections: reused when idle, closed by `close()` (busy ones when they come back),
/// none left open afterwards, and safe from many threads at once.
struct DatabasePoolTests {
    /// A migrated-enough database: one table of numbered rows.
    private func makeDatabase() throws -> Database {
        let path = try makeStoreTestDirectory().appendingPathComponent("db.sqlite").path
        let database = Database(path: path)
        try database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)") }
        return database
    }

    /// Open descriptors of this process on the database file or its `-wal`/`-shm`.
    private func descriptors(on path: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { entry in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)
            return target?.hasPrefix(path) == true
        }.count
    }

    @Test func anIdleConnectionIsReusedRatherThanOpenedAgain() throws {
        let database = try makeDatabase()
        for _ in 0..<20 { _ = try database.read { try $0.query("SELECT count(*) AS n FROM t") } }
        for value in 0..<20 { try database.write { try $0.run("INSERT INTO t (value) VALUES (?)", [.int(value)]) } }
        #expect(database.connectionCounts == (open: 1, idle: 1))
    }

    @Test func closeClosesEveryConnectionAndLeavesNoDescriptorOpen() throws {
        let database = try makeDatabase()
        // Two connections at once: one held by a reader on another thread while this thread writes.
        let readerInside = DispatchSemaphore(value: 0), writerDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            _ = try? database.read { db in
                readerInside.signal()
                writerDone.wait()
                return try db.query("SELECT 1 AS one")
            }
        }
        reader.start()
        #expect(readerInside.wait(timeout: .now() + 10) == .success)
        try database.write { try $0.run("INSERT INTO t (value) VALUES (1)") }
        writerDone.signal()
        try waitUntil { database.connectionCounts.idle == 2 }
        #expect(database.connectionCounts.open == 2)
        #expect(descriptors(on: database.path) > 0)

        database.close()
        #expect(database.connectionCounts == (open: 0, idle: 0))
        #expect(descriptors(on: database.path) == 0)
        #expect(throws: DatabaseError.closed) { try database.read { _ in } }
        #expect(throws: DatabaseError.closed) { try database.write { _ in } }
    }

    @Test func aConnectionBusyAtCloseIsClosedWhenItComesBack() throws {
        let database = try makeDatabase()
        try database.read { db in
            database.close()
            // Still usable: the closure's loan runs to its end.
            let count = try db.queryOne("SELECT count(*) AS n FROM t")?.int("n")
            #expect(count == 0)
            #expect(database.connectionCounts == (open: 1, idle: 0))
        }
        #expect(database.connectionCounts == (open: 0, idle: 0))
        #expect(descriptors(on: database.path) == 0)
    }

    @Test func deinitClosesTheConnections() throws {
        var database: Database? = try makeDatabase()
        let path = database!.path
        #expect(descriptors(on: path) > 0)
        database = nil
        #expect(descriptors(on: path) == 0)
    }

    @Test func sixteenThreadsShareTheDatabaseWithoutLosingAWrite() throws {
        let database = try makeDatabase()
        let threads = 16, rounds = 40
        let start = DispatchSemaphore(value: 0), finished = DispatchGroup()
        let failures = FailureLog()
        for index in 0..<threads {
            finished.enter()
            Thread {
                start.wait()
                do {
                    for round in 0..<rounds {
                        try database.write { try $0.run("INSERT INTO t (value) VALUES (?)", [.int(index * 1000 + round)]) }
                        let own = try database.read { db in
                            try db.queryOne("SELECT count(*) AS n FROM t WHERE value / 1000 = ?", [.int(index)])?.int("n")
                        }
                        if own != round + 1 { failures.add("thread \(index) saw \(own ?? -1) of its \(round + 1) rows") }
                    }
                } catch {
                    failures.add("thread \(index): \(error)")
                }
                finished.leave()
            }.start()
        }
        for _ in 0..<threads { start.signal() }
        // Bounded: every thread must have finished, not merely some.
        #expect(finished.wait(timeout: .now() + 120) == .success)
        #expect(failures.entries.isEmpty)
        #expect(try database.read { try $0.queryOne("SELECT count(*) AS n FROM t")?.int("n") } == threads * rounds)
        let counts = database.connectionCounts
        #expect(counts.open <= threads && counts.open == counts.idle)
        database.close()
        #expect(descriptors(on: database.path) == 0)
    }
}

/// Messages collected from several threads.
///
/// `@unchecked Sendable`: `items` is only touched under `lock`.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ message: String) { lock.withLock { items.append(message) } }
    var entries: [String] { lock.withLock { items } }
}

/// Polls `condition` every millisecond for up to 10 s; throws when it never held.
func waitUntil(_ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(10)
    while !condition() {
        guard Date() < deadline else { throw WaitTimeout() }
        usleep(1_000)
    }
}

/// `waitUntil` gave up.
struct WaitTimeout: Error {}
