import Exchanges
import Foundation
import Logging
import Store
import Testing
import Vault
@testable import App

/// A sync keeps where each holding sits (its wallet rows) and which wallets the key may not read, and the API
/// shows both; a failed sync changes neither.
@Suite(.serialized)
struct WalletRowsTests {
    let t: TestApp
    let userID: String
    let connectionID: String
    let client: ScriptedClient

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        userID = try t.addUser("wallets@example.com")
        connectionID = UUID().uuidString.lowercased()
        client = ScriptedClient()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        let id = connectionID
        let user = userID
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, status,
                    auto_sync, created_at, updated_at)
                VALUES (?, ?, 'kraken', ?, ?, 'active', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(user), .text(try cipher.seal("key", connectionId: id, field: .apiKey)),
                      .text(try cipher.seal("secret", connectionId: id, field: .apiSecret))])
        }
    }

    /// An engine on the test app's database whose client answers whatever `client` holds.
    func engine() -> SyncEngine {
        let scripted = client
        let base = t.app.engine
        return SyncEngine(database: base.database, cipher: base.cipher, exchanges: base.exchanges,
                          gate: ExchangeGate(limit: 4), logger: Logger(label: "test"),
                          makeClient: { exchange, _, _ in ScriptedExchangeClient(exchange: exchange, script: scripted) })
    }

    func get(_ path: String) throws -> [String: Any] {
        let (token, _) = try t.login("wallets@example.com")
        let response = t.request("GET", path, headers: ["Authorization": "Bearer \(token)"])
        #expect(response.status == 200)
        return response.json
    }

    static let dot = Balance(asset: "DOT", free: "1", locked: "12.5", total: "13.5", wallets: [
        WalletBalance(wallet: "spot", rawAsset: "DOT", free: "1", locked: "0"),
        WalletBalance(wallet: "staked", rawAsset: "DOT28.S", free: "0", locked: "12.5"),
    ])
    static let sol = Balance(asset: "SOL", free: "0", locked: "3.25", total: "3.25", wallets: [
        WalletBalance(wallet: "staked", rawAsset: "SOL03.S", free: "0", locked: "3.25"),
    ])
    static let funding = UnreadWallet(wallet: "funding", message: "Enable reading of the funding wallet on this key.")

    @Test(arguments: TestBackend.allCases)
    static func walletRowsAndUnreadWalletsAreStoredAndShown(_ backend: TestBackend) async throws { try await Self(backend).walletRowsAndUnreadWalletsAreStoredAndShown() }
    func walletRowsAndUnreadWalletsAreStoredAndShown() async throws {
        client.set(.success(AccountBalances(balances: [Self.dot, Self.sol], unreadWallets: [Self.funding])))
        let outcome = try await engine().sync(connectionID, trigger: .manual)
        #expect(outcome.success)

        let holdings = try #require(try get("/api/v1/exchanges/connections/\(connectionID)/holdings")["holdings"] as? [[String: Any]])
        let dot = try #require(holdings.first { $0["asset"] as? String == "DOT" })
        #expect(dot["amount"] as? String == "13.5")
        let wallets = try #require(dot["wallets"] as? [[String: Any]])
        #expect(wallets.map { $0["wallet"] as? String } == ["spot", "staked"])
        #expect(wallets.map { $0["rawAsset"] as? String } == ["DOT", "DOT28.S"])
        #expect(wallets.map { $0["total"] as? String } == ["1", "12.5"])

        let portfolios = try #require(try get("/api/v1/portfolios")["portfolios"] as? [[String: Any]])
        let portfolioHoldings = try #require(portfolios.first?["holdings"] as? [[String: Any]])
        let sol = try #require(portfolioHoldings.first { $0["asset"] as? String == "SOL" })
        #expect((sol["wallets"] as? [[String: Any]])?.first?["rawAsset"] as? String == "SOL03.S")

        let connections = try #require(try get("/api/v1/exchanges/connections")["connections"] as? [[String: Any]])
        let connection = try #require(connections.first { $0["id"] as? String == connectionID })
        let unread = try #require(connection["unreadWallets"] as? [[String: Any]])
        #expect(unread.map { $0["wallet"] as? String } == ["funding"])
        #expect(unread.first?["reason"] as? String == "permission_denied")
    }

    @Test(arguments: TestBackend.allCases)
    static func aLaterSyncReplacesWalletRowsAndAFailureKeepsThem(_ backend: TestBackend) async throws { try await Self(backend).aLaterSyncReplacesWalletRowsAndAFailureKeepsThem() }
    func aLaterSyncReplacesWalletRowsAndAFailureKeepsThem() async throws {
        client.set(.success(AccountBalances(balances: [Self.dot, Self.sol], unreadWallets: [Self.funding])))
        _ = try await engine().sync(connectionID, trigger: .manual)
        // DOT unstaked and SOL sold: the staked row and the SOL holding go, and every wallet is now read.
        let unstaked = Balance(asset: "DOT", free: "13.5", locked: "0", total: "13.5", wallets: [
            WalletBalance(wallet: "spot", rawAsset: "DOT", free: "13.5", locked: "0")])
        client.set(.success(AccountBalances(balances: [unstaked])))
        _ = try await engine().sync(connectionID, trigger: .manual)
        let rows = try await t.app.database.read { db in
            try db.query("SELECT w.wallet, w.raw_asset, w.free FROM holding_wallets w ORDER BY w.wallet")
        }
        #expect(rows.map { $0.string("raw_asset") } == ["DOT"])
        #expect(rows.first?.string("free") == "13.5")
        #expect(try await t.app.database.read { try $0.queryOne("SELECT unread_wallets FROM exchange_connections")?.string("unread_wallets") } == "[]")

        client.set(.failure(ExchangeError(.exchangeUnavailable, message: "down")))
        let failed = try await engine().sync(connectionID, trigger: .manual)
        #expect(!failed.success)
        let after = try await t.app.database.read { try $0.query("SELECT wallet, raw_asset, free FROM holding_wallets") }
        #expect(after.map { $0.string("free") } == ["13.5"])
    }
}

extension WalletRowsTests {
    /// What a read noticed but did not count (a debt) is kept with the connection and shown; the next successful
    /// read replaces it, a failed one keeps it; too many or too long notes are bounded.
    @Test(arguments: TestBackend.allCases)
    static func readNotesAreStoredShownReplacedAndBounded(_ backend: TestBackend) async throws { try await Self(backend).readNotesAreStoredShownReplacedAndBounded() }
    func readNotesAreStoredShownReplacedAndBounded() async throws {
        let debt = "unified USDT: walletBalance 1250 includes 200 borrowed (spotBorrow), counted 1050; debt 200.0123"
        client.set(.success(AccountBalances(balances: [Self.dot], notes: [debt])))
        _ = try await engine().sync(connectionID, trigger: .manual)
        func shownNotes() throws -> [String]? {
            let connections = try #require(try get("/api/v1/exchanges/connections")["connections"] as? [[String: Any]])
            return connections.first { $0["id"] as? String == connectionID }?["notes"] as? [String]
        }
        #expect(try shownNotes() == [debt])

        client.set(.failure(ExchangeError(.exchangeUnavailable, message: "down")))
        _ = try await engine().sync(connectionID, trigger: .manual)
        #expect(try shownNotes() == [debt])

        let many = (1...25).map { "note \($0) " + String(repeating: "é", count: $0 == 1 ? 500 : 1) }
        client.set(.success(AccountBalances(balances: [Self.dot], notes: many)))
        _ = try await engine().sync(connectionID, trigger: .manual)
        let bounded = try #require(try shownNotes())
        #expect(bounded.count == ReadNotesJSON.maximumCount + 1)
        #expect(bounded.first?.unicodeScalars.count == ReadNotesJSON.maximumLength && bounded.first?.hasSuffix("…") == true)
        #expect(bounded.last == "… and 5 more.")

        client.set(.success(AccountBalances(balances: [Self.dot])))
        _ = try await engine().sync(connectionID, trigger: .manual)
        #expect(try shownNotes() == [])
    }
}

/// What the scripted client answers next; shared between the test and the clients the engine builds.
final class ScriptedClient: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Result<AccountBalances, ExchangeError> = .success(AccountBalances(balances: []))
    func set(_ value: Result<AccountBalances, ExchangeError>) { lock.withLock { next = value } }
    var value: Result<AccountBalances, ExchangeError> { lock.withLock { next } }
}

private struct ScriptedExchangeClient: ExchangeClient {
    let exchange: ExchangeID
    let script: ScriptedClient
    func readBalances() async throws -> AccountBalances { try script.value.get() }
    func permissions() async throws -> KeyPermissions { KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil) }
    func serverTime() async throws -> Date { Date() }
}
