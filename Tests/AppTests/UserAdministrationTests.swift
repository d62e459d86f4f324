import Exchanges
import Foundation
import Sandbox
import Store
import Testing
import Vault
@testable import App

/// Listing and deleting users, with connections synced against an in-process sandbox exchange.
struct UserAdministrationTests {
    let sandbox: SandboxServer
    let t: TestApp

    init(_ backend: TestBackend = .sqlite) throws {
        sandbox = try SandboxServer(fixture: .demo)
        t = try TestApp(backend: backend, extraEnvironment: sandbox.environment)
    }

    /// Stores a demo account of `exchange` as a connection of `userID`.
    func connect(_ userID: String, _ exchange: ExchangeID) throws -> String {
        let account = sandbox.state.currentFixture.accounts.first { $0.exchange == exchange }!
        let id = UUID().uuidString.lowercased()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(userID), .text(exchange.rawValue),
                      .text(try cipher.seal(account.apiKey, connectionId: id, field: .apiKey)),
                      .text(try cipher.seal(account.apiSecret, connectionId: id, field: .apiSecret))])
        }
        return id
    }

    /// A user with a synced connection (portfolio, holdings, a sync run), a second connection whose sync lease
    /// is held, a session, and two failed logins (a throttle row). Returns (user id, token).
    func populatedUser(_ email: String) async throws -> (String, String) {
        let userID = try t.addUser(email)
        let synced = try connect(userID, .binance)
        let outcome = try await t.app.engine.sync(synced, trigger: .manual)
        #expect(outcome.success, "\(outcome)")
        let leased = try connect(userID, .kraken)
        #expect(try t.claim(leased, holder: SyncLease.holderID()))
        let (token, _) = try t.login(email)
        // After the login: a successful one clears the count.
        for _ in 1...2 { _ = t.request("POST", "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"wrong password"}"#) }
        return (userID, token)
    }

    /// Rows that belong to `userID`, per table, found by the ids they hang off (so orphans would still count).
    func rows(of userID: String, connections: [String], portfolios: [String]) throws -> [String: Int] {
        try t.app.database.read { db in
            func count(_ table: String, _ column: String, _ ids: [String]) throws -> Int {
                guard !ids.isEmpty else { return 0 }
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
                return try db.queryOne("SELECT count(*) AS n FROM \(table) WHERE \(column) IN (\(marks))", ids.map { .text($0) })?.int("n") ?? 0
            }
            return [
                "users": try count("users", "id", [userID]),
                "sessions": try count("sessions", "user_id", [userID]),
                "exchange_connections": try count("exchange_connections", "id", connections),
                "portfolios": try count("portfolios", "id", portfolios),
                "holdings": try count("holdings", "portfolio_id", portfolios),
                "sync_runs": try count("sync_runs", "connection_id", connections),
                "sync_leases": try count("sync_leases", "connection_id", connections),
            ]
        }
    }

    func ids(_ sql: String, _ userID: String) throws -> [String] {
        try t.app.database.read { try $0.query(sql, [.text(userID)]).compactMap { $0.string("id") } }
    }

    @Test(arguments: TestBackend.allCases)
    static func deleteRemovesEverythingOfTheUserAndNothingOfOthers(_ backend: TestBackend) async throws { try await Self(backend).deleteRemovesEverythingOfTheUserAndNothingOfOthers() }
    func deleteRemovesEverythingOfTheUserAndNothingOfOthers() async throws {
        let (ada, adaToken) = try await populatedUser("ada@example.com")
        let (bob, bobToken) = try await populatedUser("bob@example.com")
        let adaConnections = try ids("SELECT id FROM exchange_connections WHERE user_id = ?", ada)
        let adaPortfolios = try ids("SELECT id FROM portfolios WHERE user_id = ?", ada)
        let bobConnections = try ids("SELECT id FROM exchange_connections WHERE user_id = ?", bob)
        let bobPortfolios = try ids("SELECT id FROM portfolios WHERE user_id = ?", bob)
        let adaBefore = try rows(of: ada, connections: adaConnections, portfolios: adaPortfolios)
        let bobBefore = try rows(of: bob, connections: bobConnections, portfolios: bobPortfolios)
        #expect(adaBefore.values.allSatisfy { $0 > 0 }, "\(adaBefore)")
        let throttleRows = { try t.app.database.read { try $0.queryOne("SELECT count(*) AS n FROM login_throttle")?.int("n") } }
        #expect(try throttleRows() == 2)

        // The dry run (what the CLI shows without --yes) counts and deletes nothing.
        let planned = try Users.footprint(email: "ADA@example.com", in: t.app.database)
        #expect(planned == Users.Footprint(sessions: 1, connections: 2, portfolios: 1, holdings: adaBefore["holdings"]!,
                                           syncRuns: 1, syncLeases: 1))
        #expect(try rows(of: ada, connections: adaConnections, portfolios: adaPortfolios) == adaBefore)

        let removed = try Users.delete(email: " ADA@example.com ", in: t.app.database, throttle: t.app.loginThrottle)
        #expect(removed == planned)
        let adaAfter = try rows(of: ada, connections: adaConnections, portfolios: adaPortfolios)
        #expect(adaAfter.values.allSatisfy { $0 == 0 }, "\(adaAfter)")
        #expect(try rows(of: bob, connections: bobConnections, portfolios: bobPortfolios) == bobBefore)
        #expect(try throttleRows() == 1)

        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(adaToken)"]).status == 401)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(bobToken)"]).status == 200)
        #expect(try Users.list(in: t.app.database).map(\.email) == ["bob@example.com"])
        #expect(throws: UserError.notFound) { try Users.delete(email: "ada@example.com", in: t.app.database, throttle: t.app.loginThrottle) }
        #expect(throws: UserError.notFound) { try Users.footprint(email: "ada@example.com", in: t.app.database) }
    }

    @Test(arguments: TestBackend.allCases)
    static func listShowsEveryUserWithTheirConnectionCount(_ backend: TestBackend) throws { try Self(backend).listShowsEveryUserWithTheirConnectionCount() }
    func listShowsEveryUserWithTheirConnectionCount() throws {
        let ada = try t.addUser("ada@example.com")
        _ = try t.addUser("bob@example.com")
        _ = try connect(ada, .kucoin)
        _ = try connect(ada, .binance)
        let users = try Users.list(in: t.app.database)
        #expect(users.map(\.email) == ["ada@example.com", "bob@example.com"])
        #expect(users.map(\.connections) == [2, 0])
        #expect(users[0].id == ada && Timestamp.parse(users[0].createdAt) != nil)
    }
}
