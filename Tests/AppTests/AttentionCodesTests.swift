import Exchanges
import Foundation
import Sandbox
import Store
import Testing
import Vault
@testable import App

/// The two codes that need the user (`region_restricted`, `invalid_key_format`): 422 over HTTP, and a sync that
/// fails with one stops automatic retries until the user edits or syncs the connection.
@Suite(.serialized)
struct AttentionCodesTests {
    let sandbox: SandboxServer
    let t: TestApp
    let userID: String

    init(_ backend: TestBackend = .sqlite) throws {
        sandbox = try SandboxServer(fixture: .demo)
        t = try TestApp(backend: backend, extraEnvironment: sandbox.environment)
        userID = try t.addUser("attention@example.com")
    }

    @Test(arguments: [ExchangeError.Code.regionRestricted, .invalidKeyFormat])
    func needsAttentionAnd422(code: ExchangeError.Code) {
        #expect(SyncBackoff.needsAttention(code.rawValue))
        let error = ExchangeError(code, exchange: .binance)
        #expect(error.httpError.status == 422)
        #expect(error.httpError.code == code.rawValue)
    }

    /// The API description lists every code of the taxonomy, so a new code cannot be left out of it.
    @Test func openAPIListsEveryExchangeErrorCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        for code in ExchangeError.Code.allCases {
            #expect(text.contains(code.rawValue), "\(code.rawValue) missing from openapi.yaml")
        }
    }

    /// Stores a connection with the given credentials; returns its id.
    private func store(_ exchange: ExchangeID, apiKey: String, apiSecret: String) throws -> String {
        let id = UUID().uuidString.lowercased()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted,
                    status, auto_sync, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'active', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(userID), .text(exchange.rawValue),
                      .text(try cipher.seal(apiKey, connectionId: id, field: .apiKey)),
                      .text(try cipher.seal(apiSecret, connectionId: id, field: .apiSecret))])
        }
        return id
    }

    private func row(_ id: String) throws -> Row {
        try #require(try t.app.database.read { try $0.queryOne("SELECT * FROM exchange_connections WHERE id = ?", [.text(id)]) })
    }

    /// A scheduled sync blocked by location is not rescheduled (the old code retried it every 1–60 min).
    @Test(arguments: ["451", "cdn403"])
    func locationBlockStopsAutomaticRetries(form: String) async throws {
        let account = sandbox.state.currentFixture.accounts.first { $0.exchange == .binance }!
        let id = try store(.binance, apiKey: account.apiKey, apiSecret: account.apiSecret)
        #expect(sandbox.state.apply(FixtureUpdate(exchangeFaults: Faults(regionBlock: form)), exchange: .binance))
        defer { _ = sandbox.state.apply(FixtureUpdate(exchangeFaults: Faults()), exchange: .binance) }
        let outcome = try await t.app.engine.sync(id, trigger: .scheduled)
        #expect(outcome.error?.code == .regionRestricted)
        let r = try row(id)
        #expect(r.string("last_error_code") == "region_restricted")
        #expect(r.int("needs_attention") == 1 && r.string("next_attempt_at") == nil)
        let farFuture = Date().addingTimeInterval(30 * 86_400)
        #expect(try !t.due(now: farFuture).map(\.id).contains(id))
    }

    /// A stored Coinbase key that cannot be read fails locally with `invalid_key_format` and waits for the user.
    @Test(arguments: TestBackend.allCases)
    static func unreadableStoredKeyNeedsAttention(_ backend: TestBackend) async throws { try await Self(backend).unreadableStoredKeyNeedsAttention() }
    func unreadableStoredKeyNeedsAttention() async throws {
        let account = sandbox.state.currentFixture.accounts.first { $0.exchange == .coinbase }!
        let id = try store(.coinbase, apiKey: account.apiKey, apiSecret: String(account.apiSecret.prefix(60)))
        let before = sandbox.state.stats(.coinbase).requests
        let outcome = try await t.app.engine.sync(id, trigger: .scheduled)
        #expect(outcome.error?.code == .invalidKeyFormat)
        #expect(try row(id).int("needs_attention") == 1)
        #expect(sandbox.state.stats(.coinbase).requests == before)
    }
}
