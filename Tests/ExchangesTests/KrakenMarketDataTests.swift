import Foundation
import Sandbox
import Testing
@testable import Exchanges

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Kraken's keyless market data (exchanges.md §11.2): parsing, the sandbox's endpoints, the budget, faults.
struct KrakenMarketDataTests {
    static let btcUSD = MarketAnswer.marketList([MarketPair(market: "XXBTZUSD", base: "BTC", quote: "USD")])

    // MARK: Parsing

    /// The §11.2 spec example (its elided members left out), read as the last trade price `c[0]`.
    @Test func readsTheDocumentedTickerExample() throws {
        let body = #"{"error":[],"result":{"XXBTZUSD":{"a":["3537.50000","1","1.000"],"b":["3537.40000","16","16.000"],"#
            + #""c":["3537.50000","0.25000000"],"o":"3530.60000"}}}"#
        let arrived = Date(timeIntervalSince1970: 1_800_000_000)
        let quotes = try KrakenMarketData.quotes(from: MarketDataTest.result(body, receivedAt: arrived),
                                                 marketList: Self.btcUSD)
        #expect(quotes == [MarketQuote(market: "XXBTZUSD", base: "BTC", quote: "USD", price: "3537.5", asOf: arrived,
                                       raw: #"{"a":["3537.50000","1","1.000"],"b":["3537.40000","16","16.000"],"#
                                           + #""c":["3537.50000","0.25000000"],"o":"3530.60000"}"#)])
    }

    /// `AssetPairs` base/quote ids become canonical through the Kraken rules; offline pairs and fee credits are
    /// skipped; a pair without `status` is kept.
    @Test func assetPairsMapKrakenIdsAndSkipPairsNotOnline() throws {
        let body = """
            {"error":[],"result":{
             "XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","base":"XXBT","quote":"ZUSD","status":"online"},
             "XETHXXBT":{"altname":"ETHXBT","base":"XETH","quote":"XXBT"},
             "SOLUSD":{"altname":"SOLUSD","base":"SOL","quote":"ZUSD","status":"cancel_only"},
             "KFEEUSD":{"altname":"FEEUSD","base":"KFEE","quote":"ZUSD","status":"online"},
             "BAD":{"base":5,"quote":"ZUSD"}}}
            """
        let pairs = try KrakenMarketData.pairs(from: MarketDataTest.result(body))
        #expect(pairs == [MarketPair(market: "XETHXXBT", base: "ETH", quote: "BTC"),
                          MarketPair(market: "XXBTZUSD", base: "BTC", quote: "USD")])
    }

    /// Kraken's errors come with HTTP 200 and are mapped as the balance client maps them.
    @Test func errorsInsideTheEnvelopeAreMapped() async throws {
        try await SandboxHarness.run { h in
            let client = KrakenMarketData(configuration: MarketDataTest.configuration(h).0)
            try await h.update(.kraken, FixtureUpdate(exchangeFaults: Faults(rateLimited: true)))
            let listing = await exchangeError { _ = try await client.pairs() }
            #expect(listing?.code == .rateLimited)
        }
        let unavailable = MarketDataTest.result(#"{"error":["EService:Unavailable"]}"#)
        #expect(KrakenErrors.classify(unavailable)?.code == .exchangeUnavailable)
    }

    /// Hostile answers: `bad_response` or skipped rows, never a crash.
    @Test func hostileAnswersAreSkippedOrBadResponse() throws {
        for body in MarketDataTest.hostileBodies {
            let answer = MarketDataTest.result(body)
            MarketDataTest.expectSafe(body) { try KrakenMarketData.quotes(from: answer, marketList: Self.btcUSD) }
            MarketDataTest.expectSafe(body) { _ = try KrakenMarketData.pairs(from: answer); return [] }
        }
        let shapes = MarketDataTest.badPrices.map { #"{"c":[\#($0),"1"]}"# }
            + [#"{"c":null}"#, #"{"c":[]}"#, #"{"c":"1"}"#, "7"]
        for row in shapes {
            let body = #"{"error":[],"result":{"XXBTZUSD":\#(row)}}"#
            MarketDataTest.expectSafe(row) {
                let quotes = try KrakenMarketData.quotes(from: MarketDataTest.result(body), marketList: Self.btcUSD)
                #expect(quotes.isEmpty, "\(row) was read as a price")
                return quotes
            }
        }
        let many = #"{"error":[],"result":{"# + (0..<100_000).map { #""P\#($0)":{"c":["1","1"]}"# }.joined(separator: ",")
            + #","XXBTZUSD":{"c":["2.5","1"]}}}"#
        let quotes = try KrakenMarketData.quotes(from: MarketDataTest.result(many), marketList: Self.btcUSD)
        #expect(quotes.map(\.price) == ["2.5"])
    }

    // MARK: Against the sandbox

    /// `quotes` returns exactly the listed pairs whose assets were asked for, at the sandbox's price, from one
    /// Ticker request; both requests are charged to Kraken's public allowance.
    @Test func quotesMatchTheSandboxFromOneRequest() async throws {
        try await SandboxHarness.run { h in
            let (configuration, budget) = MarketDataTest.configuration(h)
            let client = KrakenMarketData(configuration: configuration)
            let list = MarketAnswer.marketList(try await client.pairs())
            #expect(list.count == MarketPrices.markets(on: .kraken).count)
            #expect(list["XXBTZUSD"] == MarketPair(market: "XXBTZUSD", base: "BTC", quote: "USD"))
            let assets: Set<String> = ["BTC", "ETH", "USD", "EUR", "JPY", "DOGE"]
            let before = Date()
            let quotes = try await client.quotes(for: assets, marketList: list)
            MarketDataTest.expectMatchesSandbox(quotes, .kraken, assets: assets, before: before, after: Date())
            #expect(try await h.count(.kraken, path: "/0/public/Ticker") == 1)
            #expect(budget.recorded.count == 2 && budget.recorded.allSatisfy { $0.scope.hasPrefix("kraken-public ") })
        }
    }

    /// The sandbox's ticker rows have the full shape, and an unknown pair is Kraken's `EQuery` error.
    @Test func sandboxServesTheFullRowAndRefusesUnknownPairs() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .kraken).absoluteString + "/0/public/Ticker"
            let (data, _) = try await URLSession.shared.data(from: URL(string: base + "?pair=XBTUSD")!)
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let row = (body?["result"] as? [String: Any])?["XXBTZUSD"] as? [String: Any]
            #expect(Set(row?.keys.map { $0 } ?? []) == ["a", "b", "c", "v", "p", "t", "l", "h", "o"])
            let (unknown, _) = try await URLSession.shared.data(from: URL(string: base + "?pair=NOPEUSD")!)
            #expect(String(decoding: unknown, as: UTF8.self).contains("EQuery:Unknown asset pair"))
        }
    }

    /// The `marketDown` knob: both calls fail with `exchange_unavailable`.
    @Test func marketDownIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataTest.setMarketDown(h, .kraken)
            let client = KrakenMarketData(configuration: MarketDataTest.configuration(h).0)
            let listing = await exchangeError { _ = try await client.pairs() }
            #expect(listing?.code == .exchangeUnavailable)
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USD"], marketList: Self.btcUSD) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }
}
