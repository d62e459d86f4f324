import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `HoldingStore` against a real SQLite file migrated with the repository's migrations: portfolios, holdings
/// replaced in place with their wallets, the listings and the counts, and the portfolio totals.
struct HoldingStoreTests {
    let t: TestApp
    let ada: String
    let connection: String
    var database: Database { t.app.database }

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try t.addUser("ada@example.com")
        connection = try StoreFixtures.connection(of: ada, in: t.app.database)
    }

    static let dot = Balance(asset: "DOT", free: "1", locked: "12.5", total: "13.5", wallets: [
        WalletBalance(wallet: "spot", rawAsset: "DOT", free: "1", locked: "0"),
        WalletBalance(wallet: "staked", rawAsset: "DOT28.S", free: "0", locked: "12.5"),
    ])
    static let sol = Balance(asset: "SOL", free: "0", locked: "3.25", total: "3.25", wallets: [
        WalletBalance(wallet: "staked", rawAsset: "SOL03.S", free: "0", locked: "3.25"),
    ])

    func portfolio(for connectionID: String, of userID: String, name: String = "Kraken") throws -> String {
        try database.write { db in
            try HoldingStore.portfolioID(for: connectionID, userID: userID, name: name, at: StoreFixtures.now, in: db)
        }
    }

    func replace(_ portfolioID: String, with balances: [Balance], at now: String = StoreFixtures.now) throws -> Int {
        try database.write { db in try HoldingStore.replace(portfolioID: portfolioID, with: balances, at: now, in: db) }
    }

    func holdings(of connectionID: String) throws -> [HoldingStore.Holding] {
        try database.read { db in try HoldingStore.holdings(ofConnection: connectionID, in: db) }
    }

    @Test(arguments: TestBackend.allCases)
    static func aConnectionHasOnePortfolioCreatedOnFirstUse(_ backend: TestBackend) throws { try Self(backend).aConnectionHasOnePortfolioCreatedOnFirstUse() }
    func aConnectionHasOnePortfolioCreatedOnFirstUse() throws {
        let first = try portfolio(for: connection, of: ada)
        #expect(try portfolio(for: connection, of: ada, name: "renamed") == first)
        let portfolios = try database.read { db in try HoldingStore.portfolios(ofUser: ada, in: db) }
        #expect(portfolios == [HoldingStore.Portfolio(id: first, name: "Kraken", connectionID: connection, exchange: "kraken")])
    }

    @Test(arguments: TestBackend.allCases)
    static func replaceWritesHoldingsWithTheirWalletsAndSkipsZeroBalances(_ backend: TestBackend) throws { try Self(backend).replaceWritesHoldingsWithTheirWalletsAndSkipsZeroBalances() }
    func replaceWritesHoldingsWithTheirWalletsAndSkipsZeroBalances() throws {
        let id = try portfolio(for: connection, of: ada)
        let zero = Balance(asset: "ETH", free: "0", locked: "0.000", total: "0.000")
        #expect(try replace(id, with: [Self.sol, Self.dot, zero]) == 2)
        let stored = try holdings(of: connection)
        #expect(stored.map(\.asset) == ["DOT", "SOL"])
        #expect(stored[0].amount == "13.5" && stored[0].free == "1" && stored[0].locked == "12.5")
        #expect(stored[0].updatedAt == StoreFixtures.now && stored[0].portfolioID == id)
        #expect(stored[0].wallets == [
            HoldingStore.Wallet(wallet: "spot", rawAsset: "DOT", free: "1", locked: "0"),
            HoldingStore.Wallet(wallet: "staked", rawAsset: "DOT28.S", free: "0", locked: "12.5"),
        ])
        #expect(stored[0].wallets[1].total == "12.5")
    }

    /// A second sync updates a kept holding in place (same id, new wallets), and removes a gone asset with its
    /// wallet rows.
    @Test(arguments: TestBackend.allCases)
    static func replaceKeepsHoldingIdsAndReplacesTheirWallets(_ backend: TestBackend) throws { try Self(backend).replaceKeepsHoldingIdsAndReplacesTheirWallets() }
    func replaceKeepsHoldingIdsAndReplacesTheirWallets() throws {
        let id = try portfolio(for: connection, of: ada)
        _ = try replace(id, with: [Self.dot, Self.sol])
        let before = try holdings(of: connection)
        let moved = Balance(asset: "DOT", free: "14", locked: "0", total: "14", wallets: [
            WalletBalance(wallet: "funding", rawAsset: "DOT", free: "14", locked: "0"),
        ])
        #expect(try replace(id, with: [moved], at: "2027-02-01T00:00:00.000Z") == 1)
        let after = try holdings(of: connection)
        #expect(after.count == 1 && after[0].id == before[0].id)
        #expect(after[0].amount == "14" && after[0].updatedAt == "2027-02-01T00:00:00.000Z")
        #expect(after[0].wallets == [HoldingStore.Wallet(wallet: "funding", rawAsset: "DOT", free: "14", locked: "0")])
        #expect(try StoreFixtures.count("holding_wallets", in: database) == 1)
        #expect(try StoreFixtures.count("tokens", in: database) == 2)
    }

    /// More assets than one multi-row statement takes, in and out, and an asset read twice (the last read
    /// counts, wallets and all, as when each balance was written in turn).
    @Test(arguments: TestBackend.allCases)
    static func manyAssetsGoInAndOutInSeveralStatements(_ backend: TestBackend) throws { try Self(backend).manyAssetsGoInAndOutInSeveralStatements() }
    func manyAssetsGoInAndOutInSeveralStatements() throws {
        let id = try portfolio(for: connection, of: ada)
        let many = HoldingStore.rowsPerStatement * 2 + 50
        func coin(_ index: Int, amount: String) -> Balance {
            Balance(asset: "C\(index)", free: amount, locked: "0", total: amount, wallets: [
                WalletBalance(wallet: "spot", rawAsset: "C\(index)", free: amount, locked: "0"),
            ])
        }
        let first = (0..<many).map { coin($0, amount: "1.\($0)") }
        #expect(try replace(id, with: first) == many)
        let ids = Dictionary(uniqueKeysWithValues: try holdings(of: connection).map { ($0.asset, $0.id) })
        #expect(ids.count == many)
        // Keep the odd ones, one of them read twice: the second amount counts.
        let kept = stride(from: 1, to: many, by: 2).map { coin($0, amount: "2") } + [coin(1, amount: "3")]
        #expect(try replace(id, with: kept) == kept.count - 1)
        let after = try holdings(of: connection)
        #expect(after.count == kept.count - 1)
        #expect(after.allSatisfy { ids[$0.asset] == $0.id })
        #expect(after.first { $0.asset == "C1" }?.amount == "3")
        #expect(after.first { $0.asset == "C1" }?.wallets == [HoldingStore.Wallet(wallet: "spot", rawAsset: "C1", free: "3", locked: "0")])
        #expect(after.first { $0.asset == "C3" }?.amount == "2")
        #expect(try StoreFixtures.count("holding_wallets", in: database) == kept.count - 1)
    }

    @Test(arguments: TestBackend.allCases)
    static func walletRowsReportedTwiceAreSummedExactly(_ backend: TestBackend) throws { try Self(backend).walletRowsReportedTwiceAreSummedExactly() }
    func walletRowsReportedTwiceAreSummedExactly() throws {
        let id = try portfolio(for: connection, of: ada)
        let doubled = Balance(asset: "BTC", free: "0.3", locked: "0", total: "0.3", wallets: [
            WalletBalance(wallet: "spot", rawAsset: "XBT", free: "0.1", locked: "0"),
            WalletBalance(wallet: "spot", rawAsset: "XBT", free: "0.2", locked: "0"),
        ])
        _ = try replace(id, with: [doubled])
        #expect(try holdings(of: connection)[0].wallets == [HoldingStore.Wallet(wallet: "spot", rawAsset: "XBT", free: "0.3", locked: "0")])
    }

    @Test(arguments: TestBackend.allCases)
    static func listingsAndCountsStayWithinTheirUser(_ backend: TestBackend) throws { try Self(backend).listingsAndCountsStayWithinTheirUser() }
    func listingsAndCountsStayWithinTheirUser() throws {
        let second = try StoreFixtures.connection(of: ada, exchange: "binance", in: database)
        let bob = try StoreFixtures.user("bob@example.com", in: database)
        let bobs = try StoreFixtures.connection(of: bob, in: database)
        _ = try replace(try portfolio(for: connection, of: ada), with: [Self.dot, Self.sol])
        _ = try replace(try portfolio(for: second, of: ada, name: "Binance"), with: [Self.dot])
        _ = try replace(try portfolio(for: bobs, of: bob), with: [Self.sol])

        let (portfolios, all) = try database.read { db in
            (try HoldingStore.portfolios(ofUser: ada, in: db), try HoldingStore.holdings(ofUser: ada, in: db))
        }
        #expect(Set(portfolios.map(\.exchange)) == ["kraken", "binance"])
        #expect(all.map(\.asset) == ["DOT", "DOT", "SOL"])
        #expect(try holdings(of: second).map(\.asset) == ["DOT"])
        let counts = try database.read { db in try HoldingStore.counts(ofUser: ada, in: db) }
        #expect(counts.portfolios == 2 && counts.holdings == 3)
        let bobCounts = try database.read { db in try HoldingStore.counts(ofUser: bob, in: db) }
        #expect(bobCounts.portfolios == 1 && bobCounts.holdings == 1)
    }

    /// `GET /api/v1/portfolios` in process: each portfolio with its holdings and one exact decimal total per
    /// asset across portfolios (0.1 + 0.2 is 0.3, not a binary float's 0.30000000000000004).
    @Test(arguments: TestBackend.allCases)
    static func portfolioTotalsAreExactSumsAcrossPortfolios(_ backend: TestBackend) throws { try Self(backend).portfolioTotalsAreExactSumsAcrossPortfolios() }
    func portfolioTotalsAreExactSumsAcrossPortfolios() throws {
        let second = try StoreFixtures.connection(of: ada, exchange: "binance", in: database)
        let tenth = Balance(asset: "BTC", free: "0.1", locked: "0", total: "0.1")
        let fifth = Balance(asset: "BTC", free: "0.2", locked: "0", total: "0.2")
        _ = try replace(try portfolio(for: connection, of: ada), with: [tenth, Self.dot])
        _ = try replace(try portfolio(for: second, of: ada, name: "Binance"), with: [fifth])
        let (token, _) = try t.login("ada@example.com")
        let response = t.request("GET", "/api/v1/portfolios", headers: ["Authorization": "Bearer \(token)"])
        #expect(response.status == 200)
        let totals = try #require(response.json["totals"] as? [[String: String]])
        #expect(totals == [["asset": "BTC", "amount": "0.3"], ["asset": "DOT", "amount": "13.5"]])
        let portfolios = try #require(response.json["portfolios"] as? [[String: Any]])
        #expect(portfolios.count == 2)
        let kraken = try #require(portfolios.first { $0["connectionId"] as? String == connection })
        let holdings = try #require(kraken["holdings"] as? [[String: Any]])
        #expect(holdings.map { $0["asset"] as? String } == ["BTC", "DOT"])
        let wallets = try #require(holdings[1]["wallets"] as? [[String: String]])
        #expect(wallets.map { $0["total"] } == ["1", "12.5"])
    }
}
