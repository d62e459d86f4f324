import Foundation
import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// The pool: bounded, blocking checkout with a typed timeout, broken connections replaced.
struct PoolTests {
    let database: TestDatabase

    init() throws { database = try TestServer.freshDatabase() }

    @Test func exhaustedPoolTimesOutWithATypedError() throws {
        let pool = PostgresPool(connectionString: database.url, size: 2, checkoutTimeout: 0.3)
        let started = Date()
        let error = try #require(throws: PostgresPoolError.self) {
            try pool.withConnection { _ in
                try pool.withConnection { _ in
                    try pool.withConnection { _ in }
                }
            }
        }
        #expect(error == .checkoutTimedOut(seconds: 0.3))
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.29 && waited < 5, "waited \(waited) s")
        // Both connections came back: the pool works again.
        #expect(try pool.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        #expect(pool.openConnections == 2)
    }

    @Test func waitingCheckoutGetsTheConnectionWhenItComesBack() throws {
        let pool = PostgresPool(connectionString: database.url, size: 1, checkoutTimeout: 10)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let result = Locked<Int?>(nil)
        Thread {
            try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }.start()
        #expect(holding.wait(timeout: .now() + 10) == .success)
        Thread {
            result.set(try? pool.read { try $0.queryOne("SELECT 2 AS two")?.int("two") })
            finished.signal()
        }.start()
        release.signal()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(result.value == 2)
        #expect(pool.openConnections == 1)
    }

    @Test func brokenConnectionIsReplacedOnCheckout() throws {
        let pool = PostgresPool(connectionString: database.url, size: 1, checkoutTimeout: 5)
        let first = try pool.withConnection { $0.backendProcessID }
        let killer = try database.connect()
        try killer.query("SELECT pg_terminate_backend(?::int, 5000)", [.integer(Int64(first))])
        // The idle connection is found dead at checkout, so the statement runs on a new one and does not fail.
        let second = try pool.withConnection { db in
            (db.backendProcessID, try db.queryOne("SELECT 1 AS one")?.int("one"))
        }
        #expect(second.0 != first)
        #expect(second.1 == 1)
        #expect(pool.openConnections == 1)
    }

    @Test func transactionLeftOpenIsRolledBackBeforeTheNextUser() throws {
        let pool = PostgresPool(connectionString: database.url, size: 1, checkoutTimeout: 5)
        try pool.withConnection { db in
            try db.execute("CREATE TABLE notes (v TEXT)")
            try db.execute("BEGIN")
            try db.run("INSERT INTO notes VALUES ('never committed')")
        }
        #expect(try pool.write { try $0.queryOne("SELECT count(*) AS n FROM notes")?.int("n") } == 0)
    }

    @Test func unreachableServerFreesTheSlot() throws {
        let pool = PostgresPool(connectionString: "postgresql://holdfast@127.0.0.1:1/x?connect_timeout=5", size: 1,
                                checkoutTimeout: 0.2)
        for _ in 0..<2 {
            let error = try #require(throws: PostgresError.self) { try pool.withConnection { _ in } }
            #expect(error.isConnectionLost)
        }
        #expect(pool.openConnections == 0)
    }

    @Test func writeCommitsAcrossThreads() throws {
        let pool = PostgresPool(connectionString: database.url, size: 3, checkoutTimeout: 10)
        try pool.write { try $0.execute("CREATE TABLE hits (n BIGINT NOT NULL)") }
        let failures = Locked(0)
        // Blocking calls, so plain threads (GCD's), as the responder's workers are: never Swift's cooperative pool.
        DispatchQueue.concurrentPerform(iterations: 12) { n in
            do { try pool.write { try $0.run("INSERT INTO hits VALUES (?)", [.int(n)]) } } catch { failures.set(1) }
        }
        #expect(failures.value == 0)
        #expect(try pool.read { try $0.queryOne("SELECT count(*) AS c FROM hits")?.int("c") } == 12)
        #expect(pool.openConnections <= 3)
    }
}

/// A value shared between test threads.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func set(_ value: Value) { lock.withLock { stored = value } }

    /// Changes the value in place, atomically.
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
