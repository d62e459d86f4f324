import Foundation
import Logging
import Testing
import Store
import Web
@testable import App

/// /health, HEAD and /metrics as monitors see them, through `Application.handle`.
struct OperationsHandlerTests {
    @Test func healthReportsWritesAndDiskWhenAllIsWell() throws {
        let test = try TestApp()
        let response = test.request("GET", "/health")
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ok")
        #expect(response.json["writes"] as? String == "ok")
        #expect(response.json["writes_failure"] == nil)
        let disk = response.json["disk"] as? [String: Any]
        #expect((disk?["available_bytes"] as? Int ?? 0) > 0)
        #expect(disk?["status"] as? String == "ok")
    }

    /// A genuine SQLITE_FULL (the responder's connection capped with max_page_count): /health turns 503 with
    /// `writes: failing` and Retry-After, and back to 200 once there is room again.
    @Test func healthFailsWhileTheDatabaseIsFullAndRecovers() throws {
        let test = try TestApp()
        let database = test.app.database
        // One connection per thread: this synchronous test, and the handlers it calls, stay on this thread.
        let pages = try database.read { try $0.queryOne("PRAGMA page_count")?.int("page_count") } ?? 0
        try database.read { try $0.execute("PRAGMA max_page_count = \(pages)") }
        #expect(throws: SQLiteError.self) {
            try database.write { try $0.execute("CREATE TABLE filler (b BLOB); INSERT INTO filler VALUES (zeroblob(100000))") }
        }
        let failing = test.request("GET", "/health")
        #expect(failing.status == 503)
        #expect(failing.header("Retry-After") == String(Application.defaultRetryAfterSeconds))
        #expect(failing.json["writes"] as? String == "failing")
        #expect((failing.json["writes_failure"] as? [String: Any])?["reason"] as? String == "disk_full")
        #expect(test.request("GET", "/metrics").bodyText.contains("holdfast_sqlite_writes_failing 1\n"))

        try database.read { try $0.execute("PRAGMA max_page_count = 1000000") }
        // The probe runs at most every 5 s; a committed write clears the failure at once.
        try database.write { try $0.execute("CREATE TABLE filler (b BLOB); DROP TABLE filler") }
        let recovered = test.request("GET", "/health")
        #expect(recovered.status == 200)
        #expect(recovered.json["writes"] as? String == "ok")
        #expect(recovered.header("Retry-After") == nil)
    }

    @Test func headAnswersLikeGetWithoutTheBody() throws {
        let test = try TestApp()
        try test.addUser("head@example.com")
        let (token, _) = try test.login("head@example.com")
        for path in ["/health", "/metrics", "/api/v1/auth/me", "/api/v1/exchanges/connections"] {
            let headers = ["Authorization": "Bearer \(token)"]
            let get = test.request("GET", path, headers: headers)
            let head = test.request("HEAD", path, headers: headers)
            #expect(get.status == 200, "\(path)")
            #expect(head.status == get.status, "\(path)")
            #expect(head.body.isEmpty, "\(path)")
            #expect(head.header("Content-Length") == String(get.body.count), "\(path)")
            #expect(head.header("Content-Type") == get.header("Content-Type"), "\(path)")
        }
        let unauthenticated = test.request("HEAD", "/api/v1/auth/me")
        #expect(unauthenticated.status == 401)
        #expect(unauthenticated.body.isEmpty)
        let postOnly = test.request("GET", "/api/v1/auth/login")
        #expect(postOnly.status == 405)
        #expect(postOnly.header("Allow") == "POST")
        #expect(test.request("DELETE", "/api/v1/auth/me").header("Allow") == "GET, HEAD, PATCH")
    }

    @Test func metricsShowTheWALAndCheckpoints() throws {
        let test = try TestApp()
        let before = test.request("GET", "/metrics").bodyText
        #expect(before.contains("holdfast_sqlite_wal_bytes "))
        #expect(before.contains("holdfast_sqlite_checkpoints_incomplete_total 0\n"))
        #expect(!before.contains("\nholdfast_sqlite_checkpoint_last_complete "))

        // A reader of an old snapshot on another connection keeps the checkpoint from completing.
        let reader = try SQLiteConnection(path: test.app.database.path)
        try reader.execute("BEGIN")
        _ = try reader.query("SELECT count(*) AS n FROM users")
        try test.addUser("wal@example.com")
        let logs = LogCapture()
        let logger = Logger(label: "test") { _ in logs }
        #expect(test.app.checkpoints.run(on: test.app.database, logger: logger)?.complete == false)
        #expect(test.app.checkpoints.run(on: test.app.database, logger: logger)?.complete == false)
        #expect(logs.lines.filter { $0.level == .warning }.count == 1)  // once per streak, not per checkpoint
        #expect(logs.lines.first?.metadata["wal_bytes"] != nil)
        let blocked = test.request("GET", "/metrics").bodyText
        #expect(blocked.contains("holdfast_sqlite_checkpoints_incomplete_total 2\n"))
        #expect(blocked.contains("holdfast_sqlite_checkpoint_last_complete 0\n"))

        try reader.execute("COMMIT")
        #expect(test.app.checkpoints.run(on: test.app.database, logger: logger)?.complete == true)
        let after = test.request("GET", "/metrics").bodyText
        #expect(after.contains("holdfast_sqlite_checkpoint_last_complete 1\n"))
        #expect(after.contains("holdfast_sqlite_checkpoints_total 3\n"))
        #expect(after.contains("holdfast_sqlite_wal_bytes 0\n"))
    }
}

extension Response {
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
