import Foundation
import Testing
@testable import App
import Exchanges

/// `Valuation.value` against figures worked by hand in the comments: each path kind, currencies, statuses,
/// and how totals, shares and subtotals are formed.
@Suite struct ValuationTests {
    typealias F = ValuationFixtures

    @Test func directPair() throws {
        // 0.5 BTC × 64000.10 USD = 32000.05 USD
        let result = F.value([F.holding("c1", "kraken", "BTC", "0.5")],
                             [F.quote("kraken", "XXBTZUSD", "BTC", "USD", "64000.10")])
        let btc = try #require(result.asset("BTC"))
        #expect(btc.value == "32000.05")
        #expect(btc.display == "32000.05")
        #expect(btc.unitPrice == "64000.1")
        #expect(btc.status == .priced)
        #expect(btc.path == ["BTC", "USD"])
        #expect(btc.source == "kraken:XXBTZUSD")
        #expect(btc.asOf == F.now.addingTimeInterval(-60))
        #expect(result.total == "32000.05")
        #expect(result.completeness.complete)
    }

    @Test func twoHopThroughUSDT() throws {
        // SOL→USDT 142.37, USDT→USD 1.0002: unit 142.37 × 1.0002 = 142.398474;
        // 10.5 × 142.398474 = 1495.183977 → "1495.18"
        let result = F.value([F.holding("c1", "binance", "SOL", "10.5")], [
            F.quote("binance", "SOLUSDT", "SOL", "USDT", "142.37"),
            F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002"),
        ])
        let sol = try #require(result.asset("SOL"))
        #expect(sol.unitPrice == "142.398474")
        #expect(sol.value == "1495.183977")
        #expect(sol.display == "1495.18")
        #expect(sol.path == ["SOL", "USDT", "USD"])
        #expect(sol.source == "binance:SOLUSDT × kraken:USDTZUSD")
    }

    @Test func threeHopThroughAFiatCross() throws {
        // BNB→USDT 600.5, USDT→USD 1.0002, USD→EUR = 1 / 1.08 (EUR/USD market, inverse) at 18 decimals:
        // 0.925925925925925925|925… → 0.925925925925925926. Unit = 600.5 × 1.0002 × 0.925925925925925926
        // = 600.6201 × 0.925925925925925926 = 556.1297222222222222667126;
        // 2 BNB = 1112.2594444444444445334252 → "1112.26"
        let result = F.value([F.holding("c1", "binance", "BNB", "2")], [
            F.quote("binance", "BNBUSDT", "BNB", "USDT", "600.5"),
            F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002"),
            F.quote("kraken", "ZEURZUSD", "EUR", "USD", "1.08"),
        ], in: .eur)
        let bnb = try #require(result.asset("BNB"))
        #expect(bnb.unitPrice == "556.1297222222222222667126")
        #expect(bnb.value == "1112.2594444444444445334252")
        #expect(bnb.display == "1112.26")
        #expect(bnb.path == ["BNB", "USDT", "USD", "EUR"])
        #expect(bnb.source == "binance:BNBUSDT × kraken:USDTZUSD × 1/kraken:ZEURZUSD")
        let legs = try #require(result.holdings.first?.price?.legs)
        #expect(legs.map(\.inverse) == [false, false, true])
        #expect(legs.last?.rate == "0.925925925925925926")
    }

    @Test func stablecoinIsPricedThroughItsOwnMarket() throws {
        // 1000 USDT × 1.0002 = 1000.2 USD, not 1000
        let result = F.value([F.holding("c1", "binance", "USDT", "1000")],
                             [F.quote("kraken", "USDTZUSD", "USDT", "USD", "1.0002")])
        #expect(result.asset("USDT")?.value == "1000.2")
        #expect(result.asset("USDT")?.display == "1000.20")
        // Without a USDT/USD market a stablecoin is unpriced, never taken as 1.
        let alone = F.value([F.holding("c1", "binance", "USDT", "1000")], [])
        #expect(alone.asset("USDT")?.status == .unpriced)
        #expect(alone.asset("USDT")?.value == nil)
        #expect(alone.total == nil)
    }

    @Test func fiatHoldingsAreConverted() throws {
        // 250 EUR × 1.08 = 270 USD → "270.00"
        let eur = F.value([F.holding("c1", "kraken", "EUR", "250")],
                          [F.quote("kraken", "ZEURZUSD", "EUR", "USD", "1.08")])
        #expect(eur.asset("EUR")?.value == "270")
        #expect(eur.totalDisplay == "270.00")
        // 1000.5 USD × 151.234 = 151309.617 JPY → "151310" (JPY shows no decimals; .617 rounds up)
        let usd = F.value([F.holding("c1", "kraken", "USD", "1000.5")],
                          [F.quote("kraken", "USDJPY", "USD", "JPY", "151.234")], in: .jpy)
        #expect(usd.total == "151309.617")
        #expect(usd.totalDisplay == "151310")
        // The currency itself is worth 1, with no leg and no asOf.
        let same = F.value([F.holding("c1", "kraken", "USD", "12.3")], [])
        #expect(same.asset("USD")?.value == "12.3")
        #expect(same.asset("USD")?.display == "12.30")
        #expect(same.asset("USD")?.source == "identity")
        #expect(same.asset("USD")?.status == .priced)
        #expect(same.asOf == nil)
    }

    @Test func bitcoinAsTheCurrency() throws {
        // 3 ETH × 0.05123456789 BTC = 0.15370370367 BTC → "0.15370370" (8 decimals)
        let result = F.value([F.holding("c1", "kraken", "ETH", "3")],
                             [F.quote("kraken", "XETHXXBT", "ETH", "BTC", "0.05123456789")], in: .btc)
        #expect(result.total == "0.15370370367")
        #expect(result.totalDisplay == "0.15370370")
        #expect(result.asset("ETH")?.display == "0.15370370")
    }

    @Test func inverseMarket() throws {
        // USD→BTC through BTC/USD 90000: 1/90000 at 17 + 5 = 22 decimals = 0.0000111111111111111111;
        // 1000 USD × that = 0.0111111111111111111 BTC → "0.01111111"
        let result = F.value([F.holding("c1", "kraken", "USD", "1000")],
                             [F.quote("kraken", "XXBTZUSD", "BTC", "USD", "90000")], in: .btc)
        let usd = try #require(result.asset("USD"))
        #expect(usd.unitPrice == "0.0000111111111111111111")
        #expect(usd.value == "0.0111111111111111111")
        #expect(usd.display == "0.01111111")
        #expect(usd.source == "1/kraken:XXBTZUSD")
        #expect(usd.path == ["USD", "BTC"])
    }

    @Test func unpricedAssetIsNullCountedAndLeftOutOfTheTotal() throws {
        // 1 BTC × 64000 = 64000; 42 XYZ has no market: null, not 0, and the total says one asset is missing.
        let result = F.value([
            F.holding("c1", "binance", "XYZ", "42"),
            F.holding("c1", "binance", "BTC", "1"),
        ], [F.quote("coinbase", "BTC-USD", "BTC", "USD", "64000")])
        let xyz = try #require(result.asset("XYZ"))
        #expect(xyz.value == nil)
        #expect(xyz.display == nil)
        #expect(xyz.share == nil)
        #expect(xyz.unitPrice == nil)
        #expect(xyz.quantity == "42")
        #expect(xyz.status == .unpriced)
        #expect(xyz.notes == ["no market path from XYZ to USD"])
        #expect(result.total == "64000")
        #expect(result.unpricedCount == 1)
        #expect(result.pricedCount == 1)
        #expect(!result.completeness.complete)
        #expect(result.asset("BTC")?.share == "100")
        #expect(result.assets.map(\.asset) == ["BTC", "XYZ"])   // valued first
        #expect(result.connections.first?.subtotal.unpricedCount == 1)
        #expect(result.connections.first?.subtotal.value == "64000")
    }

    @Test func staleQuoteKeepsItsValueAndIsCounted() throws {
        // 16 minutes old against the 15-minute limit: stale, value 2 × 3000 = 6000 kept with its asOf.
        let result = F.value([
            F.holding("c1", "kraken", "ETH", "2"),
            F.holding("c1", "kraken", "BTC", "1"),
        ], [
            F.quote("kraken", "XETHZUSD", "ETH", "USD", "3000", age: 16 * 60),
            F.quote("kraken", "XXBTZUSD", "BTC", "USD", "64000", age: 15 * 60),   // exactly at the limit
        ])
        let eth = try #require(result.asset("ETH"))
        #expect(eth.status == .stale)
        #expect(eth.value == "6000")
        #expect(eth.asOf == F.now.addingTimeInterval(-16 * 60))
        #expect(result.asset("BTC")?.status == .priced)
        #expect(result.staleCount == 1)
        #expect(result.total == "70000")
        #expect(result.asOf == F.now.addingTimeInterval(-16 * 60))
        // 6000 / 70000 = 8.5714… % → "8.57"
        #expect(result.completeness.stalePercent == "8.57")
        #expect(!result.completeness.complete)
        // A longer limit makes the same quote fresh.
        let lenient = F.value([F.holding("c1", "kraken", "ETH", "2")],
                              [F.quote("kraken", "XETHZUSD", "ETH", "USD", "3000", age: 16 * 60)],
                              staleLimit: 20 * 60)
        #expect(lenient.asset("ETH")?.status == .priced)
    }

    @Test func marketEndpointDownMakesThatExchangesValuesStale() throws {
        // Coinbase's market endpoint failed half an hour ago: all its quotes are 30 minutes old. Its holdings
        // keep their last values (0.1 × 60000 = 6000, 5 × 150 = 750) as stale; Kraken's stay priced.
        let down: TimeInterval = 30 * 60
        let result = F.value([
            F.holding("cb", "coinbase", "BTC", "0.1"),
            F.holding("cb", "coinbase", "SOL", "5"),
            F.holding("kr", "kraken", "ETH", "1"),
        ], [
            F.quote("coinbase", "BTC-USD", "BTC", "USD", "60000", age: down),
            F.quote("coinbase", "SOL-USD", "SOL", "USD", "150", age: down),
            F.quote("kraken", "XETHZUSD", "ETH", "USD", "3000"),
        ])
        #expect(result.asset("BTC")?.status == .stale)
        #expect(result.asset("SOL")?.status == .stale)
        #expect(result.asset("ETH")?.status == .priced)
        #expect(result.total == "9750")
        #expect(result.staleCount == 2)
        let coinbase = try #require(result.exchanges.first { $0.exchange == "coinbase" })
        #expect(coinbase.subtotal == ValueSubtotal(value: "6750", display: "6750.00", pricedCount: 0,
                                                   staleCount: 2, unpricedCount: 0))
        // 6750 / 9750 = 69.2307… % → "69.23"
        #expect(result.completeness.stalePercent == "69.23")
    }

    @Test func sharesAddToAHundredAndTheTotalAddsExactValues() throws {
        // Three equal thirds: 33.33 + 33.33 + 33.33 = 99.99 ≈ 100 within rounding.
        let thirds = F.value(["A", "B", "C"].map { F.holding("c1", "kraken", $0, "1") },
                             ["A", "B", "C"].map { F.quote("kraken", $0 + "USD", $0, "USD", "10") })
        let shares = thirds.assets.compactMap(\.share)
        #expect(shares == ["33.33", "33.33", "33.33"])
        let sum = try #require(DecimalString.sum(shares))
        #expect(DecimalString.compare(DecimalString.subtract("100", sum) ?? "", "0.03") ?? 1 <= 0)
        // Two half-cent lines each display "0.00" (half-even), but the total adds the exact values:
        // 0.005 + 0.005 = 0.01 → "0.01", not 0.00 + 0.00.
        let cents = F.value([F.holding("c1", "kraken", "USD", "0.005"), F.holding("c2", "kraken", "USD", "0.005")], [])
        #expect(cents.holdings.map(\.display) == ["0.00", "0.00"])
        #expect(cents.total == "0.01")
        #expect(cents.totalDisplay == "0.01")
        #expect(cents.total == DecimalString.sum(cents.holdings.compactMap(\.value)))
    }

    @Test func badQuantitiesAreUnpricedWithANote() throws {
        let result = F.value([
            F.holding("c1", "kraken", "BTC", "-1"),
            F.holding("c2", "kraken", "BTC", "lots"),
            F.holding("c3", "kraken", "BTC", "2"),
        ], [F.quote("kraken", "XXBTZUSD", "BTC", "USD", "100")])
        let btc = try #require(result.asset("BTC"))
        // The readable row is valued (2 × 100); the asset is unpriced because two rows are not.
        #expect(btc.status == .unpriced)
        #expect(btc.value == "200")
        #expect(btc.quantity == "2")
        #expect(btc.notes == ["quantity is not a decimal number ≥ 0"])
        #expect(result.holdings.map(\.status) == [.unpriced, .unpriced, .priced])
        #expect(result.holdings[0].value == nil)
        #expect(result.total == "200")
    }

    @Test func assetOnSeveralConnectionsIsSummedWithSubtotals() throws {
        // BTC on Kraken (1 × 100) and Coinbase (2 × 101) each priced on its own exchange:
        // value 100 + 202 = 302, quantity 3, blended price 302 / 3 = 100.666666666666666667 (18 decimals).
        let result = F.value([
            F.holding("k", "kraken", "BTC", "1"),
            F.holding("c", "coinbase", "BTC", "2", wallets: [("spot", "1.5"), ("staked", "0.5")]),
        ], [
            F.quote("kraken", "XXBTZUSD", "BTC", "USD", "100"),
            F.quote("coinbase", "BTC-USD", "BTC", "USD", "101"),
        ])
        let btc = try #require(result.asset("BTC"))
        #expect(btc.value == "302")
        #expect(btc.quantity == "3")
        #expect(btc.unitPrice == "100.666666666666666667")
        #expect(btc.source == "coinbase:BTC-USD; kraken:XXBTZUSD")
        #expect(btc.path == [])
        #expect(result.exchanges.map(\.exchange) == ["coinbase", "kraken"])
        #expect(result.exchanges.map(\.subtotal.value) == ["202", "100"])
        let coinbase = try #require(result.connections.first { $0.connectionID == "c" })
        // spot 1.5 × 101 = 151.5, staked 0.5 × 101 = 50.5
        #expect(coinbase.wallets.map(\.wallet) == ["spot", "staked"])
        #expect(coinbase.wallets.map(\.subtotal.value) == ["151.5", "50.5"])
        #expect(result.connections.first { $0.connectionID == "k" }?.wallets == [])
    }
}
