import Foundation
import PostgreSQL
import PostgresTestSupport
import Store
import Testing
import Web
@testable import App

/// The responder on PostgreSQL when the server drops its connections or has none to spare: 503 with
/// Retry-After (the client may simply retry), never a 500, and the next request is served again.
struct PostgresOutageTests {
    @Test func terminatedBackendsCostAt503AndTheNextRequestSucceeds() throws {
        let t = try TestApp(backend: .postgresql)
        try t.addUser("outage@example.com")
        let (token, _) = try t.login("outage@example.com")
        let auth = ["Authorization": "Bearer \(token)"]
        #expect(t.request("GET", "/api/v1/portfolios", headers: auth).status == 200)

        let database = try #require(t.postgres)
        let admin = try database.connect()
        let ended = try admin.query("SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity "
                                    + "WHERE datname = ? AND pid <> pg_backend_pid()", [.text(database.name)])
        #expect(!ended.isEmpty)

        let next = t.request("GET", "/api/v1/portfolios", headers: auth)
        #expect(next.status == 200 || next.status == 503)
        if next.status == 503 {
            #expect(next.errorCode == "service_unavailable" && next.header("Retry-After") != nil)
        }
        #expect(t.request("GET", "/api/v1/portfolios", headers: auth).status == 200)
    }

    @Test func anUnavailableDatabaseIs503WithoutItsReason() throws {
        let t = try TestApp()
        let unavailable = Response(error: t.app.httpError(for: DatabaseError.unavailable(reason: "connection lost")))
        #expect(unavailable.status == 503 && unavailable.errorCode == "service_unavailable")
        #expect(!String(decoding: unavailable.body, as: UTF8.self).contains("connection lost"))
    }

    @Test func healthOnPostgreSQLReportsTheDatabaseAndNoDiskOfOurs() throws {
        let t = try TestApp(backend: .postgresql)
        let health = t.request("GET", "/health")
        #expect(health.status == 200, "\(String(decoding: health.body, as: UTF8.self))")
        #expect(health.json["database"] as? String == "ok" && health.json["migrations"] as? String == "current")
        #expect(health.json["disk"] == nil)
    }
}
