import Foundation
import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// Statements are prepared once per session and run prepared after that; the cache is bounded, and a session
/// that lost its statements (a pooler's `DEALLOCATE ALL`) or a plan whose result shape changed (`ALTER TABLE`)
/// fails that one call and then prepares afresh.
struct PreparedStatementTests {
    let database: TestDatabase
    let db: PostgresConnection

    init() throws {
        database = try TestServer.freshDatabase()
        db = try database.connect()
        try db.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT)")
        try db.run("INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two')")
    }

    /// The statements this session has prepared (the server's own view).
    func preparedStatements() throws -> [String] {
        try db.query("SELECT statement FROM pg_prepared_statements").compactMap { $0.string("statement") }
    }

    @Test func aStatementIsPreparedOnceAndRunPreparedAfterwards() throws {
        let select = "SELECT name FROM items WHERE id = ?"
        for (id, name) in [(1, "one"), (2, "two"), (1, "one")] {
            #expect(try db.queryOne(select, [.int(id)])?.string("name") == name)
        }
        let matching = try preparedStatements().filter { $0 == "SELECT name FROM items WHERE id = $1" }
        #expect(matching.count == 1)
    }

    @Test func atMostTheLimitIsPreparedAndTheRestStillRuns() throws {
        let limit = PostgresConnection.maximumPreparedStatements
        for offset in 0..<(limit + 20) {
            #expect(try db.queryOne("SELECT id + \(offset) AS n FROM items WHERE id = ?", [.int(1)])?.int("n") == 1 + offset)
        }
        // The limit, plus the statement that lists them (which did not fit either, so it ran unprepared).
        #expect(try preparedStatements().count == limit)
    }

    /// Outside a transaction the statement is prepared again and runs; inside one the server has aborted the
    /// transaction, so the call fails (and `Database` runs a write again: `PostgresBackend.isRetryable`).
    @Test func lostStatementsArePreparedAgain() throws {
        let select = "SELECT name FROM items WHERE id = ?"
        #expect(try db.queryOne(select, [.int(1)])?.string("name") == "one")
        try db.execute("DEALLOCATE ALL")
        #expect(try db.queryOne(select, [.int(2)])?.string("name") == "two")
        try db.execute("DEALLOCATE ALL")
        let error = try #require(throws: PostgresError.self) {
            try db.transaction { try $0.queryOne(select, [.int(1)]) }
        }
        #expect(error.isStalePreparedStatement)
        #expect(try db.transaction { try $0.queryOne(select, [.int(1)]) }?.string("name") == "one")
    }

    @Test func aPlanWhoseResultShapeChangedIsPreparedAgain() throws {
        let select = "SELECT * FROM items WHERE id = ?"
        #expect(try db.queryOne(select, [.int(1)])?.string("name") == "one")
        try db.execute("ALTER TABLE items ADD COLUMN note TEXT")
        let row = try db.queryOne(select, [.int(1)])
        #expect(row?.string("name") == "one")
        #expect(row?.columns.keys.contains("note") == true)
        try db.execute("ALTER TABLE items ADD COLUMN extra TEXT")
        let error = try #require(throws: PostgresError.self) {
            try db.transaction { try $0.queryOne(select, [.int(1)]) }
        }
        #expect(error.sqlState == "0A000" && error.isStalePreparedStatement)
        #expect(try db.transaction { try $0.queryOne(select, [.int(1)]) }?.columns.keys.contains("extra") == true)
    }
}
