import Foundation
import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// `Database` over PostgreSQL: the same API and rules as over SQLite, serializable writes retried, lost
/// connections and an exhausted pool answered as `DatabaseError.unavailable`.
struct DatabaseBackendTests {
    let server: TestDatabase

    init() throws { server = try TestServer.freshDatabase() }

    /// A counter row, and two plain threads released together that each run `increment` 200 times (GCD's global
    /// queue on Linux may well run two blocks one after the other). Returns the errors and the final value.
    func raceIncrements(_ database: Database, _ increment: @escaping @Sendable () throws -> Void) throws -> ([any Error], Int?) {
        try database.write { db in
            try db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            try db.run("INSERT INTO counter (id, value) VALUES (1, 0)")
        }
        let failures = Failures()
        let gate = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread {
                gate.wait()
                defer { finished.signal() }
                for _ in 0..<200 {
                    do { try increment() } catch { failures.add(error) }
                }
            }.start()
        }
        gate.signal()
        gate.signal()
        #expect(finished.wait(timeout: .now() + 120) == .success)
        #expect(finished.wait(timeout: .now() + 120) == .success)
        return (failures.all, try database.read { try $0.queryOne("SELECT value FROM counter WHERE id = 1")?.int("value") })
    }

    /// Read, then write what was read plus one, in two statements: only a serializable transaction (retried when
    /// it loses) keeps every increment; READ COMMITTED would lose some.
    @Test func racingReadModifyWritesLoseNoUpdate() throws {
        let database = Database(postgresql: server.url, poolSize: 4)
        defer { database.close() }
        let (failures, value) = try raceIncrements(database) {
            try database.write { db in
                let value = try db.queryOne("SELECT value FROM counter WHERE id = 1")?.int("value") ?? -1
                // Widens the window between read and write, so the threads surely collide (a transaction alone
                // takes a fraction of a millisecond on a local server).
                usleep(200)
                try db.run("UPDATE counter SET value = ? WHERE id = 1", [.integer(Int64(value + 1))])
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(value == 400)
    }

    /// The same read-then-write in a locking write that locks the row first (`forUpdate`): READ COMMITTED, so no
    /// attempt fails, and the row lock alone keeps every increment.
    @Test func aLockingWriteThatLocksItsRowLosesNoUpdateAndNeverFails() throws {
        let database = Database(postgresql: server.url, poolSize: 4)
        defer { database.close() }
        let attempts = Failures()
        let (failures, value) = try raceIncrements(database) {
            try database.lockingWrite { db in
                attempts.add(DatabaseError.closed)
                let value = try db.queryOne("SELECT value FROM counter WHERE id = 1" + db.forUpdate)?.int("value") ?? -1
                usleep(200)
                try db.run("UPDATE counter SET value = ? WHERE id = 1", [.integer(Int64(value + 1))])
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(attempts.all.count == 400)
        #expect(value == 400)
    }

    /// Each kind of transaction at its isolation level; a locking write holds the writers' advisory lock shared
    /// (so an exclusive retry runs apart from it) and gives it back with its COMMIT.
    @Test func eachTransactionKindRunsAtItsIsolationLevel() throws {
        let database = Database(postgresql: server.url, poolSize: 2)
        defer { database.close() }
        func level(_ db: Connection) throws -> String? { try db.queryOne("SHOW transaction_isolation")?.string("transaction_isolation") }
        #expect(try database.read(level) == "repeatable read")
        #expect(try database.write(level) == "serializable")
        #expect(try database.lockingWrite(level) == "read committed")
        let lockQuery = "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        #expect(try database.lockingWrite { try $0.query(lockQuery).compactMap { $0.string("mode") } } == ["ShareLock"])
        #expect(try database.read { try $0.query(lockQuery).count } == 0)
    }

    /// A statement prepared before a table changed shape (a migration run while the service runs): a write whose
    /// transaction it aborted runs again and prepares afresh; a read, never run twice, is unavailable once (503).
    @Test func aStatementPreparedBeforeASchemaChangeCostsOneAttempt() throws {
        let database = Database(postgresql: server.url, poolSize: 1)
        defer { database.close() }
        try database.write { db in
            try db.execute("CREATE TABLE shaped (id INTEGER PRIMARY KEY)")
            try db.run("INSERT INTO shaped (id) VALUES (1)")
        }
        let select = "SELECT * FROM shaped WHERE id = ?"
        #expect(try database.read { try $0.queryOne(select, [.int(1)]) } != nil)
        try server.connect().execute("ALTER TABLE shaped ADD COLUMN a TEXT")
        let attempts = Failures()
        let columns = try database.write { db in
            attempts.add(DatabaseError.closed)
            return try db.queryOne(select, [.int(1)])?.columns.keys.sorted()
        }
        #expect(columns == ["a", "id"])
        #expect(attempts.all.count == 2)
        try server.connect().execute("ALTER TABLE shaped ADD COLUMN b TEXT")
        let error = try #require(throws: DatabaseError.self) { try database.read { try $0.queryOne(select, [.int(1)]) } }
        if case .unavailable = error {} else { Issue.record("unexpected \(error)") }
        #expect(try database.read { try $0.queryOne(select, [.int(1)]) }?.columns.keys.sorted() == ["a", "b", "id"])
    }

    @Test func aWriteClosureRunsAgainAfterASerializationFailure() throws {
        let database = Database(postgresql: server.url, poolSize: 2)
        defer { database.close() }
        let attempts = Failures()
        try database.write { db in
            attempts.add(DatabaseError.closed)
            if attempts.all.count < 3 {
                throw PostgresError(sqlState: "40001", message: "could not serialize access", sql: nil)
            }
        }
        #expect(attempts.all.count == 3)
        // A failure that is not a lost race is thrown at once, and one that keeps losing gives up after `maximumWriteAttempts` runs.
        let runs = Failures()
        #expect(throws: PostgresError.self) {
            try database.write { _ in
                runs.add(DatabaseError.closed)
                throw PostgresError(sqlState: "40P01", message: "deadlock detected", sql: nil)
            }
        }
        #expect(runs.all.count == Database.maximumWriteAttempts)
    }

    @Test func aReadIsOneReadOnlySnapshot() throws {
        let database = Database(postgresql: server.url, poolSize: 2)
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE t (v INTEGER)") }
        let error = try #require(throws: PostgresError.self) {
            try database.read { try $0.run("INSERT INTO t (v) VALUES (1)") }
        }
        #expect(error.sqlState == "25006")  // read_only_sql_transaction
        let other = try server.connect()
        let counts = try database.read { db -> (Int, Int) in
            let first = try db.queryOne("SELECT count(*) AS n FROM t")?.int("n") ?? -1
            try other.run("INSERT INTO t (v) VALUES (2)")
            let second = try db.queryOne("SELECT count(*) AS n FROM t")?.int("n") ?? -1
            return (first, second)
        }
        #expect(counts == (0, 0))
    }

    @Test func terminatedBackendsAreUnavailableOnceThenReconnected() throws {
        let database = Database(postgresql: server.url, poolSize: 2)
        defer { database.close() }
        #expect(try database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        let admin = try server.connect()
        try admin.run("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                      + "WHERE datname = ? AND pid <> pg_backend_pid()", [.text(server.name)])
        // The pool notices the dead idle connection on checkout and opens a new one, or the statement fails as
        // unavailable: never another error.
        do {
            #expect(try database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        } catch let error as DatabaseError {
            guard case .unavailable = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(try database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
    }

    @Test func anUnreachableServerIsUnavailableWithoutItsPassword() throws {
        let database = Database(postgresql: "postgresql://holdfast:s3cr3t-pw@127.0.0.1:1/none?connect_timeout=2",
                                poolSize: 1)
        let error = try #require(throws: DatabaseError.self) { try database.read { _ in () } }
        guard case .unavailable(let reason) = error else { Issue.record("unexpected \(error)"); return }
        #expect(!reason.contains("s3cr3t-pw"))
        #expect(!database.path.contains("s3cr3t-pw"))
    }

    @Test func anExhaustedPoolIsUnavailable() throws {
        let pool = PostgresPool(connectionString: server.url, size: 1, checkoutTimeout: 0.2)
        let database = Database(backend: PostgresBackend(pool: pool), location: .postgresql(connectionString: server.url))
        defer { database.close() }
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? database.read { _ in
                started.signal()
                _ = release.wait(timeout: .now() + 10)
            }
        }
        #expect(started.wait(timeout: .now() + 10) == .success)
        let error = try #require(throws: DatabaseError.self) { try database.read { _ in () } }
        if case .unavailable = error {} else { Issue.record("unexpected \(error)") }
        release.signal()
    }

    @Test func closedDatabaseRefusesWork() throws {
        let database = Database(postgresql: server.url, poolSize: 2)
        #expect(try database.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        database.close()
        #expect(throws: DatabaseError.closed) { try database.read { _ in () } }
    }

    @Test func locationsParseAndMaskTheirPassword() {
        #expect(DatabaseLocation(setting: "/var/lib/holdfast/holdfast.db") == .sqlite(path: "/var/lib/holdfast/holdfast.db"))
        #expect(DatabaseLocation(setting: "postgres://u:pw@h/db").isSQLite == false)
        #expect(DatabaseLocation(setting: "POSTGRESQL://h/db").isSQLite == false)
        #expect(DatabaseLocation(setting: "host=/run/postgresql dbname=holdfast").isSQLite == false)
        #expect(DatabaseLocation(setting: "state/host.db").isSQLite)
        #expect(DatabaseLocation(setting: "postgresql://u:pw@h:5432/db?sslmode=require").description
                == "postgresql://u:***@h:5432/db?sslmode=require")
        #expect(DatabaseLocation(setting: "postgresql://h/db?user=u&password=pw").description
                == "postgresql://h/db?user=u&password=***")
        #expect(DatabaseLocation(setting: "host=h password='a b' dbname=d").description == "host=h password=*** dbname=d")
        #expect(DatabaseLocation(setting: "host=h password=pw").description == "host=h password=***")
    }
}

/// Errors (or marks) collected from several threads.
final class Failures: @unchecked Sendable {
    // @unchecked Sendable: `errors` is only touched under `lock`.
    private let lock = NSLock()
    private var errors: [any Error] = []

    func add(_ error: any Error) { lock.withLock { errors.append(error) } }

    var all: [any Error] { lock.withLock { errors } }
}
