import Exchanges
import Foundation
import Sandbox
import Testing

/// The sandbox's moving prices: deterministic per minute, near the start price, and moving over time.
struct SandboxMarketPricesTests {
    @Test func everyListedMarketHasAPriceWithinTheWalksBounds() throws {
        let now = Date()
        for exchange in ExchangeID.allCases {
            let markets = MarketPrices.markets(on: exchange)
            #expect(!markets.isEmpty, "\(exchange) lists no market")
            for market in markets {
                let price = MarketPrices.price(of: market, on: exchange, at: now)
                let canonical = try #require(DecimalString.canonical(price), "\(exchange) \(market.id): \(price)")
                #expect(canonical == price, "\(exchange) \(market.id): \(price) is not canonical")
                // The walk's steps add up to at most ±10.1 %: the price stays inside start × [0.899, 1.101].
                let start = try #require(Decimal(string: market.start)), value = try #require(Decimal(string: price))
                #expect(value > start * Decimal(string: "0.899")! && value < start * Decimal(string: "1.101")!,
                        "\(exchange) \(market.id): \(price) far from \(market.start)")
            }
        }
    }

    @Test func theSameMinuteGivesTheSamePriceAndTheDayMovesIt() {
        let market = MarketPrices.markets(on: .kraken).first { $0.id == "XXBTZUSD" }!
        let minute = Date(timeIntervalSince1970: 1_790_000_040)
        #expect(MarketPrices.price(of: market, on: .kraken, at: minute)
                == MarketPrices.price(of: market, on: .kraken, at: minute.addingTimeInterval(19)))
        let day = (0..<24).map { MarketPrices.price(of: market, on: .kraken, at: minute.addingTimeInterval(Double($0) * 3600)) }
        #expect(Set(day).count > 12, "the price hardly moved over a day: \(day)")
    }

    @Test func krakenNamesItsOldAssetsWithPrefixes() {
        let ids = Set(MarketPrices.markets(on: .kraken).map(\.id))
        #expect(ids.contains("XXBTZUSD") && ids.contains("XETHXXBT") && ids.contains("ZUSDZJPY"))
        #expect(Set(MarketPrices.markets(on: .binance).map(\.id)).contains("BTCUSDT"))
        #expect(Set(MarketPrices.markets(on: .coinbase).map(\.id)).contains("BTC-USD"))
    }
}
