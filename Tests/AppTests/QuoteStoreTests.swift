import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `QuoteStore` on both backends: market lists replaced whole, quotes upserted, fetch records, and asset prices
/// read as of an instant within their resolution's validity.
struct QuoteStoreTests {
    let t: TestApp
    var database: Database { t.app.database }
    static let epoch = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
    }

    @Test(arguments: TestBackend.allCases)
    static func marketListsAreReplacedWholePerExchange(_ backend: TestBackend) throws { try Self(backend).marketListsAreReplacedWholePerExchange() }
    func marketListsAreReplacedWholePerExchange() throws {
        let btc = MarketPair(market: "XXBTZUSD", base: "BTC", quote: "USD")
        let eth = MarketPair(market: "XETHZUSD", base: "ETH", quote: "USD")
        let sol = MarketPair(market: "SOLUSD", base: "SOL", quote: "USD")
        try database.write { db in
            try QuoteStore.replacePairs(of: "kraken", with: [btc, eth], in: db)
            try QuoteStore.replacePairs(of: "binance", with: [MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT")], in: db)
        }
        try database.write { db in try QuoteStore.replacePairs(of: "kraken", with: [eth, sol], in: db) }
        let kraken = try database.read { db in try QuoteStore.pairs(of: "kraken", in: db) }
        #expect(kraken == ["XETHZUSD": eth, "SOLUSD": sol])
        #expect(try database.read { db in try QuoteStore.pairs(of: "binance", in: db) }.count == 1)
        #expect(try database.read { db in try QuoteStore.pairs(of: "bybit", in: db) }.isEmpty)
    }

    /// More quotes than one statement holds, then a second answer that updates some and omits others.
    @Test(arguments: TestBackend.allCases)
    static func quotesAreUpsertedAndOmittedMarketsKeptToGoStale(_ backend: TestBackend) throws { try Self(backend).quotesAreUpsertedAndOmittedMarketsKeptToGoStale() }
    func quotesAreUpsertedAndOmittedMarketsKeptToGoStale() throws {
        let count = QuoteStore.rowsPerStatement + 50
        let first = (0..<count).map { index in
            MarketQuote(market: "A\(index)USD", base: "A\(index)", quote: "USD", price: "1.\(index)", asOf: Self.epoch, raw: "{}")
        }
        try database.write { db in try QuoteStore.upsertQuotes(first, of: "kraken", fetchedAt: StoreFixtures.now, in: db) }
        let later = Self.epoch.addingTimeInterval(60)
        let update = MarketQuote(market: "A7USD", base: "A7", quote: "USD", price: "9.5", asOf: later, raw: "{\"c\":[\"9.5\"]}")
        try database.write { db in
            try QuoteStore.upsertQuotes([update], of: "kraken", fetchedAt: Timestamp.format(later), in: db)
            try QuoteStore.upsertQuotes([MarketQuote(market: "A7USD", base: "A7", quote: "USD", price: "2", asOf: later, raw: "{}")],
                                        of: "bybit", fetchedAt: Timestamp.format(later), in: db)
        }
        let quotes = try database.read { db in try QuoteStore.quotes(in: db) }
        #expect(quotes.count == count + 1)
        let kraken7 = quotes.first { $0.exchange == "kraken" && $0.market == "A7USD" }
        #expect(kraken7 == QuoteStore.StoredQuote(exchange: "kraken", market: "A7USD", base: "A7", quote: "USD", price: "9.5",
                                                  asOf: later, fetchedAt: Timestamp.format(later)))
        let kraken8 = quotes.first { $0.exchange == "kraken" && $0.market == "A8USD" }
        #expect(kraken8?.price == "1.8" && kraken8?.asOf == Self.epoch)
    }

    @Test(arguments: TestBackend.allCases)
    static func fetchesKeepTheLastSuccessAndTheMarketListTime(_ backend: TestBackend) throws { try Self(backend).fetchesKeepTheLastSuccessAndTheMarketListTime() }
    func fetchesKeepTheLastSuccessAndTheMarketListTime() throws {
        let t0 = StoreFixtures.now, t1 = Timestamp.format(Self.epoch.addingTimeInterval(60))
        try database.write { db in try QuoteStore.recordFetch(of: "kraken", at: t0, errorCode: nil, pairsRefreshed: true, in: db) }
        try database.write { db in
            try QuoteStore.recordFetch(of: "kraken", at: t1, errorCode: "exchange_unavailable", pairsRefreshed: false, in: db)
        }
        let fetch = try database.read { db in try QuoteStore.fetches(in: db) }["kraken"]
        #expect(fetch == QuoteStore.Fetch(exchange: "kraken", attemptedAt: t1, succeededAt: t0, errorCode: "exchange_unavailable",
                                          pairsRefreshedAt: t0))
        #expect(fetch?.pairsDue(now: Self.epoch.addingTimeInterval(3_600)) == false)
        #expect(fetch?.pairsDue(now: Self.epoch.addingTimeInterval(86_400)) == true)
        try database.write { db in try QuoteStore.recordFetch(of: "kraken", at: t1, errorCode: nil, pairsRefreshed: false, in: db) }
        let again = try database.read { db in try QuoteStore.fetches(in: db) }["kraken"]
        #expect(again?.succeededAt == t1 && again?.errorCode == nil && again?.pairsRefreshedAt == t0)
    }

    /// Each resolution's validity, at its edge: a `5m` price stands 10 minutes, `1h` 2 hours, `1d` 2 days.
    @Test(arguments: TestBackend.allCases)
    static func assetPricesAreReadAsOfAnInstantWithinTheirResolution(_ backend: TestBackend) throws { try Self(backend).assetPricesAreReadAsOfAnInstantWithinTheirResolution() }
    func assetPricesAreReadAsOfAnInstantWithinTheirResolution() throws {
        let day = Self.epoch
        let prices: [QuoteStore.AssetPrice] = [
            .init(asset: "BTC", currency: "EUR", at: day, price: "50000", source: "kraken:XXBTZEUR", resolution: .day),
            .init(asset: "ETH", currency: "EUR", at: day, price: "3000", source: "kraken:XETHZEUR", resolution: .hour),
            .init(asset: "SOL", currency: "EUR", at: day, price: "150.5", source: "kraken:SOLEUR"),
            .init(asset: "SOL", currency: "USD", at: day, price: "160", source: "kraken:SOLUSD"),
        ]
        try database.write { db in try QuoteStore.record(prices: prices + prices, in: db) }
        func price(_ asset: String, after seconds: TimeInterval, in currency: String = "EUR") throws -> String? {
            try database.read { db in
                try QuoteStore.price(of: asset, in: currency, at: day.addingTimeInterval(seconds), in: db)?.price
            }
        }
        #expect(try price("SOL", after: 0) == "150.5")
        #expect(try price("SOL", after: 600) == "150.5")
        #expect(try price("SOL", after: 601) == nil)
        #expect(try price("SOL", after: 0, in: "USD") == "160")
        #expect(try price("SOL", after: -1) == nil)
        #expect(try price("ETH", after: 7_200) == "3000")
        #expect(try price("ETH", after: 7_201) == nil)
        #expect(try price("BTC", after: 172_800) == "50000")
        #expect(try price("BTC", after: 172_801) == nil)
        #expect(try price("DOGE", after: 0) == nil)
        let later = QuoteStore.AssetPrice(asset: "SOL", currency: "EUR", at: day.addingTimeInterval(300), price: "151",
                                          source: "kraken:SOLEUR")
        try database.write { db in try QuoteStore.record(prices: [later], in: db) }
        #expect(try price("SOL", after: 299) == "150.5")
        #expect(try price("SOL", after: 600) == "151")
        #expect(try database.read { db in try QuoteStore.priceTimeline(of: "SOL", in: "EUR", in: db) }.count == 2)
    }
}
