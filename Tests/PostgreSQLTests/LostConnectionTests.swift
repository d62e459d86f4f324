import Foundation
import Store
import PostgresTestSupport
import Testing
@testable import PostgreSQL

/// Connections that break, refuse, or never open: classified errors, reconnection, no password anywhere.
struct LostConnectionTests {
    let database: TestDatabase

    init() throws { database = try TestServer.freshDatabase() }

    /// Ends `victim`'s server process from another connection and waits (at most 5 s) until it is gone.
    func terminate(_ victim: PostgresConnection) throws {
        let killer = try database.connect()
        let ended = try killer.queryOne("SELECT pg_terminate_backend(?::int, 5000) AS ended",
                                        [.integer(Int64(victim.backendProcessID))])
        #expect(ended?.bool("ended") == true)
    }

    @Test func terminatedBackendIsClassifiedAndTheNextUseReconnects() throws {
        let db = try database.connect()
        let before = db.backendProcessID
        try terminate(db)
        let error = try #require(throws: PostgresError.self) { try db.query("SELECT 1 AS one") }
        #expect(error.isConnectionLost)
        #expect(try db.queryOne("SELECT 1 AS one")?.int("one") == 1)
        #expect(db.backendProcessID != before)
    }

    @Test func lostConnectionInsideATransactionFailsIt() throws {
        let db = try database.connect()
        try db.execute("CREATE TABLE t (v TEXT)")
        let error = try #require(throws: PostgresError.self) {
            try db.transaction { db in
                try db.run("INSERT INTO t VALUES ('lost')")
                try terminate(db)
                try db.run("INSERT INTO t VALUES ('after')")
            }
        }
        #expect(error.isConnectionLost)
        #expect(try db.queryOne("SELECT count(*) AS n FROM t")?.int("n") == 0)
    }

    @Test func transactionThatSwallowsTheLossDoesNotGoOnOutsideOfIt() throws {
        let db = try database.connect()
        try db.execute("CREATE TABLE t (v TEXT)")
        let error = try #require(throws: PostgresError.self) {
            try db.transaction { db in
                try db.run("INSERT INTO t VALUES ('first')")
                try terminate(db)
                _ = try? db.run("INSERT INTO t VALUES ('lost')")
                try db.run("INSERT INTO t VALUES ('would be alone')")
            }
        }
        #expect(error.isConnectionLost)
        // Outside the transaction the connection reconnects, and nothing of the transaction was kept.
        #expect(try db.queryOne("SELECT count(*) AS n FROM t")?.int("n") == 0)
    }

    @Test func unreachableServerIsAClearErrorWithoutThePassword() throws {
        let password = "pa55-Secret-word"
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let urls = [
            "postgresql://holdfast:\(password)@127.0.0.1:1/holdfast?connect_timeout=5",
            "host=127.0.0.1 port=1 user=holdfast password=\(password) connect_timeout=5",
            "postgresql://holdfast:\(password)@127.0.0.1:1/holdfast?nonsense_option=1",
        ]
        for url in urls {
            let error = try #require(throws: PostgresError.self) { try PostgresConnection(connectionString: url) }
            #expect(error.isConnectionLost)
            #expect(!error.message.isEmpty)
            #expect(!error.description.contains(password), "\(error)")
            #expect(!"\(error)".contains(password))
        }
    }

    @Test func wrongDatabaseNameIsReportedWithoutThePassword() throws {
        let password = "another-Secret-9"
        var components = try #require(URLComponents(string: database.url))
        components.password = password
        components.path = "/no_such_database"
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: try #require(components.string))
        }
        #expect(error.message.contains("no_such_database"))
        #expect(!error.description.contains(password))
    }

    @Test func tlsRequiredOfAServerWithoutTLSFails() throws {
        var components = try #require(URLComponents(string: database.url))
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "sslmode", value: "require")]
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: try #require(components.string))
        }
        #expect(error.message.contains("SSL"), "\(error)")
        // The same server without the demand accepts the connection: it is the TLS that failed.
        #expect(try database.connect().queryOne("SELECT 1 AS one")?.int("one") == 1)
    }
}
