import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `PortfolioStatement` on both backends: the snapshot in effect at an instant (between two, exactly at one,
/// before the first), values from the prices of that instant or `unpriced`, and a deleted connection.
struct PortfolioStatementTests {
    let t: TestApp
    let ada: String
    let kraken: String
    let binance: String
    var database: Database { t.app.database }
    static let epoch = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try t.addUser("ada@example.com")
        kraken = try StoreFixtures.connection(of: ada, exchange: "kraken", in: t.app.database)
        binance = try StoreFixtures.connection(of: ada, exchange: "binance", in: t.app.database)
    }

    func snapshot(_ connection: String, _ exchange: String, after seconds: TimeInterval, _ balances: [String: String]) throws {
        try database.write { db in
            try SnapshotStore.record(connectionID: connection, userID: ada, exchange: exchange,
                                     balances: balances.map { Balance(asset: $0.key, free: $0.value, locked: "0", total: $0.value) },
                                     at: Self.epoch.addingTimeInterval(seconds), in: db)
        }
    }

    func price(_ asset: String, _ price: String, after seconds: TimeInterval) throws {
        try database.write { db in
            try QuoteStore.record(prices: [.init(asset: asset, currency: "EUR", at: Self.epoch.addingTimeInterval(seconds),
                                                 price: price, source: "kraken:\(asset)EUR")], in: db)
        }
    }

    func statement(after seconds: TimeInterval) throws -> PortfolioStatement {
        try database.read { db in
            try PortfolioStatement.make(forUser: ada, at: Self.epoch.addingTimeInterval(seconds), currency: "EUR", in: db)
        }
    }

    /// Each line as "label asset quantity value status".
    func lines(after seconds: TimeInterval) throws -> [String] {
        try statement(after: seconds).connections.flatMap { part in
            part.lines.map { "\(part.label) \($0.asset) \($0.quantity) \($0.value ?? "-") \($0.status.rawValue)" }
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func anInstantUsesTheSnapshotInEffectAndThePricesOfThatTime(_ backend: TestBackend) throws { try Self(backend).anInstantUsesTheSnapshotInEffectAndThePricesOfThatTime() }
    func anInstantUsesTheSnapshotInEffectAndThePricesOfThatTime() throws {
        try snapshot(kraken, "kraken", after: 0, ["BTC": "0.5", "DOT": "10"])
        try snapshot(kraken, "kraken", after: 3_600, ["BTC": "0.25", "DOT": "10"])
        try snapshot(binance, "binance", after: 1_200, ["BTC": "1.5"])
        try price("BTC", "50000.10", after: 0)
        try price("BTC", "60000", after: 3_600)
        // Before the first snapshot: nothing.
        #expect(try statement(after: -1).connections.isEmpty)
        // Exactly at the first: kraken only; DOT has no price in the history.
        #expect(try lines(after: 0) == ["kraken BTC 0.5 25000.05 priced", "kraken DOT 10 - unpriced"])
        // Between two snapshots the earlier holds; the 5-minute price of 0 s is still valid at 600 s, not later.
        #expect(try lines(after: 600) == ["kraken BTC 0.5 25000.05 priced", "kraken DOT 10 - unpriced"])
        #expect(try lines(after: 1_800) == ["binance BTC 1.5 - unpriced", "kraken BTC 0.5 - unpriced", "kraken DOT 10 - unpriced"])
        // Exactly at the second snapshot, with the price of that instant.
        #expect(try lines(after: 3_600) == ["binance BTC 1.5 90000 priced", "kraken BTC 0.25 15000 priced", "kraken DOT 10 - unpriced"])
        let part = try statement(after: 3_600).connections.first { $0.connectionID == kraken }
        #expect(part?.snapshotAt == Self.epoch.addingTimeInterval(3_600))
        #expect(part?.lines.first?.unitPrice == "60000" && part?.lines.first?.priceSource == "kraken:BTCEUR")
    }

    /// A connection deleted since keeps its place in the past, named by its exchange and "(deleted)".
    @Test(arguments: TestBackend.allCases)
    static func aDeletedConnectionIsListedAsDeleted(_ backend: TestBackend) throws { try Self(backend).aDeletedConnectionIsListedAsDeleted() }
    func aDeletedConnectionIsListedAsDeleted() throws {
        try snapshot(binance, "binance", after: 0, ["ETH": "2"])
        try snapshot(kraken, "kraken", after: 0, ["ETH": "1"])
        try price("ETH", "3000", after: 0)
        _ = try database.write { db in try ConnectionStore.delete(binance, userID: ada, in: db) }
        #expect(try lines(after: 60) == ["binance (deleted) ETH 2 6000 priced", "kraken ETH 1 3000 priced"])
    }

    @Test func multiplyIsExact() {
        #expect(DecimalString.multiply("0.5", "50000.10") == "25000.05")
        #expect(DecimalString.multiply("-1.25", "0.008") == "-0.01")
        #expect(DecimalString.multiply("0.000000000000000001", "0.00000001") == "0.00000000000000000000000001")
        #expect(DecimalString.multiply("123456789012345678901234567890", "10") == "1234567890123456789012345678900")
        #expect(DecimalString.multiply("0", "-5") == "0")
        #expect(DecimalString.multiply("1e3", "2") == "2000")
        #expect(DecimalString.multiply("abc", "2") == nil)
    }
}
