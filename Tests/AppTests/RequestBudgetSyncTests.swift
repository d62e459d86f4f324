import Exchanges
import Foundation
import Logging
import Sandbox
import Store
import Testing
import Vault
@testable import App

/// issue 11 "Exchange request budgets" on the App side: the count lives in the database and is shared by
/// every process; the timer defers what it cannot afford; test/connect answer 503 `rate_limited`.
@Suite(.serialized)
struct RequestBudgetSyncTests {
    /// Binance weight per minute for these tests: 85 % of 50 is 42.5, so two syncs (21 + 20) fit and a third
    /// (another 20) does not.
    static let weightPerMinute = "50"

    let sandbox: SandboxServer
    let t: TestApp
    let userID: String

    init() throws {
        sandbox = try SandboxServer(fixture: .demo)
        t = try TestApp(extraEnvironment: sandbox.environment.merging(
            ["HOLDFAST_BINANCE_WEIGHT_PER_MINUTE": Self.weightPerMinute]) { $1 })
        userID = try t.addUser("budget@example.com")
    }

    var binance: FixtureAccount { sandbox.state.currentFixture.accounts.first { $0.exchange == .binance }! }

    /// Stores the demo Binance account as a due connection of the test user.
    func storeBinanceConnection() throws -> String {
        let id = UUID().uuidString.lowercased()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, created_at, updated_at)
                VALUES (?, ?, 'binance', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(userID), .text(try cipher.seal(binance.apiKey, connectionId: id, field: .apiKey)),
                      .text(try cipher.seal(binance.apiSecret, connectionId: id, field: .apiSecret))])
        }
        return id
    }

    func row(_ id: String) throws -> Row {
        try #require(try t.app.database.read { try $0.queryOne("SELECT * FROM exchange_connections WHERE id = ?", [.text(id)]) })
    }

    func runs(_ id: String) throws -> Int {
        try t.app.database.read { try $0.queryOne("SELECT count(*) AS n FROM sync_runs WHERE connection_id = ?", [.text(id)])?.int("n") ?? 0 }
    }

    /// Rows idle for longer than a day are swept when a new scope's row is written, and only then: an update of
    /// an existing row reads no other row (on PostgreSQL a sweep per update made every two budget updates conflict).
    @Test func idleScopesAreSweptWhenANewScopeIsWritten() async throws {
        let store = RequestBudgetStore(database: t.app.database)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let day = RequestBudgetStore.retentionMs
        let nowMs = Int64(now.timeIntervalSince1970 * 1000)
        try await t.app.database.write { db in
            for (scope, idleMs) in [("idle", day + 1), ("recent", day - 60_000), ("existing", 0)] {
                try db.run("INSERT INTO request_budgets (scope, used_milli, mark_ms, blocked_until_ms, updated_ms) VALUES (?, 0, 0, 0, ?)",
                           [.text(scope), .integer(nowMs - idleMs)])
            }
        }
        func scopes() async throws -> Set<String> {
            Set(try await t.app.database.read { try $0.query("SELECT scope FROM request_budgets") }.compactMap { $0.string("scope") })
        }
        let policy = BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000))
        _ = try await store.reserve(1, in: BudgetScope(name: "existing", policy: policy), at: now)
        #expect(try await scopes() == ["idle", "recent", "existing"])
        _ = try await store.reserve(1, in: BudgetScope(name: "new", policy: policy), at: now)
        #expect(try await scopes() == ["recent", "existing", "new"])
    }

    /// What one process learns from the exchange (a 429's Retry-After) holds for the other.
    @Test func aBlockRecordedByOneProcessHoldsForTheOther() async throws {
        let mine = RequestBudgetStore(database: t.app.database)
        let theirs = RequestBudgetStore(database: Database(path: t.app.database.path))
        let scope = BudgetScope(.binanceAPI, baseURL: URL(string: "https://api.binance.com")!)
        let now = Date(timeIntervalSince1970: 1_800_000_010)
        try await mine.record(BudgetFeedback(blockedForSeconds: 120), in: scope, at: now)
        #expect(try await theirs.reserve(1, in: scope, at: now) == .notBefore(now.addingTimeInterval(120)))
        let stored = try await t.app.database.read { try $0.query("SELECT scope FROM request_budgets") }.compactMap { $0.string("scope") }
        #expect(stored == ["binance-api api.binance.com"])
    }

    /// The timer with a budget too small for every due connection syncs what it can afford, defers the rest
    /// (no failure, no history row, due again when the window turns), and a run after the window syncs them.
    @Test func timerDefersWhatItCannotAffordAndSyncsItAfterTheWindow() async throws {
        let ids = try (0..<4).map { _ in try storeBinanceConnection() }
        try await awaitRoomInMinute(15)
        let runner = SyncRunner(engine: t.app.engine, database: t.app.database, concurrency: 1, logger: Logger(label: "test"))
        let first = try await runner.run()
        #expect(first.due == 4 && first.succeeded == 2 && first.deferred == 2 && first.failed == 0)
        let deferred = try ids.filter { try row($0).string("last_sync_at") == nil }
        #expect(deferred.count == 2)
        let minuteEnd = (Date().timeIntervalSince1970 / 60).rounded(.up) * 60
        for id in deferred {
            let r = try row(id)
            #expect(r.int("consecutive_failures") == 0 && r.string("last_error_code") == nil && r.int("needs_attention") == 0)
            let next = try #require(r.string("next_attempt_at").flatMap(Timestamp.parse))
            #expect(abs(next.timeIntervalSince1970 - minuteEnd) <= 2)
            #expect(try runs(id) == 0)
        }
        #expect(try t.due().isEmpty)
        let metrics = t.request("GET", "/metrics")
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("holdfast_sync_deferred_total{exchange=\"binance\"} 2"))

        // The next window: once their next attempt time comes, the deferred connections are due again and the
        // budget affords them.
        let dueAgain = try deferred.compactMap { try row($0).string("next_attempt_at").flatMap(Timestamp.parse) }.max() ?? Date()
        try await Task.sleep(nanoseconds: UInt64(max(0, dueAgain.timeIntervalSinceNow + 0.1) * 1_000_000_000))
        #expect(Set(try t.due().map(\.id)) == Set(deferred))
        let second = try await runner.run()
        #expect(second.due == 2 && second.succeeded == 2 && second.deferred == 0 && second.failed == 0)
        let stats = try await sandboxStats()
        #expect((stats["maxWeightPerMinute"] as? Int ?? .max) <= 50)
    }

    /// test and connect wait at most a few seconds for the budget; past that they answer 503 `rate_limited`
    /// with Retry-After, without sending the request.
    @Test func testAndConnectOverBudgetAnswer503WithRetryAfter() async throws {
        try await awaitRoomInMinute(15)
        let (token, csrf) = try t.login("budget@example.com")
        let headers = ["Authorization": "Bearer \(token)", "X-CSRF-Token": csrf]
        let body = #"{"exchange":"binance","apiKey":"\#(binance.apiKey)","apiSecret":"\#(binance.apiSecret)"}"#
        // The responder's workers are plain threads: the handler blocks on the exchange call.
        let app = t
        let first = await Task.detached { app.request("POST", "/api/v1/exchanges/test", json: body, headers: headers) }.value
        #expect(first.status == 200 && first.json["success"] as? Bool == true)
        // time 1 + balances 20 + permissions 20 (Binance reads both from the account) + clock 1 = 42 of 42.5:
        // the next account read cannot be afforded before the minute turns (more than 5 s away).
        let sentBefore = sandbox.state.stats(.binance).paths["/api/v3/account"] ?? 0
        let started = Date()
        for path in ["/api/v1/exchanges/test", "/api/v1/exchanges/connect"] {
            let refused = await Task.detached { app.request("POST", path, json: body, headers: headers) }.value
            #expect(refused.status == 503 && refused.errorCode == "rate_limited", "\(path) \(refused.status)")
            let retryAfter = refused.headers.first { $0.0.lowercased() == "retry-after" }.flatMap { Int($0.1) }
            #expect((1...60).contains(retryAfter ?? 0), "\(path) \(refused.headers)")
        }
        #expect(Date().timeIntervalSince(started) < 4)  // refused at once: waiting could not help
        #expect(sandbox.state.stats(.binance).paths["/api/v3/account"] == sentBefore)

        // Sync now: the same refusal, and since nothing was sent the connection's state and history stay as
        // they were.
        let id = try storeBinanceConnection()
        let before = try row(id)
        let outcome = try await t.app.engine.sync(id, trigger: .manual)
        #expect(outcome.error?.isLocalBudgetRefusal == true && outcome.error?.httpError.status == 503)
        let after = try row(id)
        #expect(after.string("status") == before.string("status") && after.string("last_error_code") == nil)
        #expect(after.int("consecutive_failures") == 0 && after.string("next_attempt_at") == before.string("next_attempt_at"))
        #expect(try runs(id) == 0)
        #expect(try await t.app.database.read { try $0.queryOne("SELECT count(*) AS n FROM sync_leases")?.int("n") } == 0)
    }

    func sandboxStats() async throws -> [String: Any] {
        let url = sandbox.baseURL(for: .binance).appendingPathComponent("__sandbox/stats")
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// Counts answers from several threads.
///
/// `@unchecked Sendable`: `counts` is read and written only while holding `lock`.
final class AnswerTally: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Int] = [:]
    func add(_ answer: String) { lock.lock(); values[answer, default: 0] += 1; lock.unlock() }
    var counts: [String: Int] { lock.lock(); defer { lock.unlock() }; return values }
}

/// Awaits the moment when at least `seconds` are left in the current wall-clock minute (Binance's window).
func awaitRoomInMinute(_ seconds: Double) async throws {
    let into = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
    guard 60 - into < seconds else { return }
    try await Task.sleep(nanoseconds: UInt64((60 - into + 0.05) * 1_000_000_000))
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
