import Foundation
import Sandbox
import Testing
@testable import Exchanges

/// Coinbase Exchange's public products and tickers (exchanges.md §11.3): parsing, the per-product requests
/// against the sandbox and their cap, the budget, faults.
struct CoinbaseExchangeMarketDataTests {
    static let btcUSD = MarketPair(market: "BTC-USD", base: "BTC", quote: "USD")

    /// The §11.3 documented ticker example: price and the ticker's own `time`.
    @Test func readsTheDocumentedTickerExample() throws {
        let body = #"{"trade_id":86326522,"price":"6268.48","size":"0.00698254","time":"2020-03-20T00:22:57.833Z","#
            + #""bid":"6265.15","ask":"6267.71","volume":"53602.03940154","rfq_volume":"123.122","#
            + #""conversions_volume":"0.00"}"#
        let answer = MarketDataTest.result(body)
        let quote = try #require(try CoinbaseExchangeMarketData.quote(from: answer, pair: Self.btcUSD))
        #expect(quote.price == "6268.48" && quote.market == "BTC-USD" && quote.base == "BTC" && quote.quote == "USD")
        #expect(abs(quote.asOf.timeIntervalSince1970 - 1_584_663_777.833) < 0.000_5)
        #expect(quote.raw.contains("\"trade_id\":86326522"))
    }

    /// A ticker time after the answer arrived is clamped to the arrival; a microsecond time is read to the ms.
    @Test func tickerTimesAreReadToTheMillisecondAndNeverInTheFuture() throws {
        let arrived = Date(timeIntervalSince1970: 1_800_000_000)
        func asOf(_ time: String) throws -> Date? {
            try CoinbaseExchangeMarketData.quote(from: MarketDataTest.result(#"{"price":"1","time":\#(time)}"#,
                                                                             receivedAt: arrived), pair: Self.btcUSD)?.asOf
        }
        let micro = try #require(try asOf(#""2026-12-01T00:00:00.123456Z""#))
        #expect(abs(micro.timeIntervalSince1970 - 1_796_083_200.123) < 0.000_5)
        #expect(try asOf(#""9999-01-01T00:00:00Z""#) == arrived)
        #expect(try asOf("null") == arrived && asOf(#""yesterday""#) == arrived && asOf("12") == arrived)
    }

    /// `/products` keeps online, tradable products with ids safe in a path.
    @Test func productsKeepOnlineTradablePairs() throws {
        let body = """
            [{"id":"BTC-USD","base_currency":"BTC","quote_currency":"USD","status":"online","trading_disabled":false},
             {"id":"ETH-USD","base_currency":"ETH","quote_currency":"USD","status":"online","trading_disabled":true},
             {"id":"SOL-USD","base_currency":"SOL","quote_currency":"USD","status":"delisted"},
             {"id":"../accounts","base_currency":"X","quote_currency":"USD","status":"online"},
             {"id":"BTC-USD","base_currency":"XXX","quote_currency":"USD","status":"online"}, 7]
            """
        #expect(try CoinbaseExchangeMarketData.pairs(from: MarketDataTest.result(body)) == [Self.btcUSD])
    }

    /// Hostile answers: `bad_response` or no quote, never a crash.
    @Test func hostileAnswersAreSkippedOrBadResponse() throws {
        for body in MarketDataTest.hostileBodies {
            let answer = MarketDataTest.result(body)
            MarketDataTest.expectSafe(body) {
                try CoinbaseExchangeMarketData.quote(from: answer, pair: Self.btcUSD).map { [$0] } ?? []
            }
            MarketDataTest.expectSafe(body) { _ = try CoinbaseExchangeMarketData.pairs(from: answer); return [] }
        }
        for price in MarketDataTest.badPrices {
            let answer = MarketDataTest.result(#"{"price":\#(price)}"#)
            let quote = try CoinbaseExchangeMarketData.quote(from: answer, pair: Self.btcUSD)
            #expect(quote == nil, "\(price) was read as a price")
        }
    }

    /// One ticker request per listed product whose assets were asked for, each at the sandbox's price and
    /// charged to the public allowance.
    @Test func quotesMatchTheSandboxWithOneRequestPerProduct() async throws {
        try await SandboxHarness.run { h in
            let (configuration, budget) = MarketDataTest.configuration(h)
            let client = CoinbaseExchangeMarketData(configuration: configuration)
            let list = MarketAnswer.marketList(try await client.pairs())
            #expect(list.count == MarketPrices.markets(on: .coinbaseexchange).count)
            let assets: Set<String> = ["BTC", "ETH", "USD"]
            let before = Date()
            let quotes = try await client.quotes(for: assets, marketList: list)
            MarketDataTest.expectMatchesSandbox(quotes, .coinbaseexchange, assets: assets, before: before, after: Date())
            let stats = try await h.stats(.coinbaseexchange)
            let tickers = (stats["paths"] as? [String: Int] ?? [:]).filter { $0.key.hasSuffix("/ticker") }
            #expect(tickers.values.reduce(0, +) == quotes.count)
            #expect(budget.recorded.count == 1 + quotes.count)
            #expect(budget.recorded.allSatisfy { $0.scope.hasPrefix("coinbaseexchange-public ") })
        }
    }

    /// Products Coinbase no longer knows (404 `NotFound`) are skipped, and a call sends at most 25 requests.
    @Test func unknownProductsAreSkippedAndACallIsCapped() async throws {
        try await SandboxHarness.run { h in
            let (configuration, budget) = MarketDataTest.configuration(h)
            let client = CoinbaseExchangeMarketData(configuration: configuration)
            var pairs = (0..<30).map { MarketPair(market: String(format: "Z%02d-USD", $0), base: "Z\($0)", quote: "USD") }
            pairs.append(Self.btcUSD)
            let assets = Set(pairs.map(\.base) + ["USD"])
            let quotes = try await client.quotes(for: assets, marketList: MarketAnswer.marketList(pairs))
            #expect(quotes.map(\.market) == ["BTC-USD"])
            #expect(budget.recorded.count == CoinbaseExchangeMarketData.maxTickersPerCall)
        }
    }

    /// The `marketDown` knob: `exchange_unavailable`.
    @Test func marketDownIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataTest.setMarketDown(h, .coinbaseexchange)
            let client = CoinbaseExchangeMarketData(configuration: MarketDataTest.configuration(h).0)
            let listing = await exchangeError { _ = try await client.pairs() }
            #expect(listing?.code == .exchangeUnavailable)
            let error = await exchangeError {
                _ = try await client.quotes(for: ["BTC", "USD"], marketList: MarketAnswer.marketList([Self.btcUSD]))
            }
            #expect(error?.code == .exchangeUnavailable)
        }
    }
}
