import Foundation
import Sandbox
import Testing
@testable import Exchanges

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Binance's keyless market data (exchanges.md §11.1): parsing, the sandbox's endpoints, the budget, faults.
struct BinanceMarketDataTests {
    // MARK: Parsing

    /// The §11.1 example ticker answer, read through a market list.
    @Test func readsTheDocumentedTickerExample() throws {
        let body = #"[{"symbol":"LTCBTC","price":"4.00000200"},{"symbol":"ETHBTC","price":"0.07946600"}]"#
        let arrived = Date(timeIntervalSince1970: 1_800_000_000)
        let list = MarketAnswer.marketList([MarketPair(market: "LTCBTC", base: "LTC", quote: "BTC"),
                                            MarketPair(market: "ETHBTC", base: "ETH", quote: "BTC")])
        let quotes = try BinanceMarketData.quotes(from: MarketDataTest.result(body, receivedAt: arrived), marketList: list)
        #expect(quotes.map(\.market) == ["LTCBTC", "ETHBTC"])
        #expect(quotes.map(\.price) == ["4.000002", "0.079466"])
        #expect(quotes.allSatisfy { $0.quote == "BTC" && $0.asOf == arrived })
        #expect(quotes[0].raw == #"{"price":"4.00000200","symbol":"LTCBTC"}"#)
    }

    /// A symbol missing from the market list is skipped, never split into assets; the first of two rows wins.
    @Test func skipsUnlistedSymbolsAndKeepsTheFirstDuplicate() throws {
        let body = #"[{"symbol":"BTCUSDT","price":"1"},{"symbol":"XRPUSDT","price":"2"},{"symbol":"BTCUSDT","price":"3"}]"#
        let list = MarketAnswer.marketList([MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT")])
        let quotes = try BinanceMarketData.quotes(from: MarketDataTest.result(body), marketList: list)
        #expect(MarketAnswer.filtered(quotes, assets: ["BTC", "USDT", "XRP"]).map(\.price) == ["1"])
    }

    /// `exchangeInfo` keeps TRADING symbols only, and a market's base is what Binance says: `LD…` ids are not
    /// folded as they are in a balance (§7.3).
    @Test func exchangeInfoKeepsTradingSymbolsAndDoesNotFoldLDTokens() throws {
        let body = """
            {"timezone":"UTC","symbols":[
             {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},
             {"symbol":"LDOUSDT","status":"TRADING","baseAsset":"LDO","quoteAsset":"USDT"},
             {"symbol":"LDBTCUSDT","status":"TRADING","baseAsset":"LDBTC","quoteAsset":"USDT"},
             {"symbol":"OLDUSDT","status":"BREAK","baseAsset":"OLD","quoteAsset":"USDT"},
             {"symbol":"BADROW","status":"TRADING","baseAsset":null,"quoteAsset":"USDT"},
             {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"XXX","quoteAsset":"YYY"}]}
            """
        let pairs = try BinanceMarketData.pairs(from: MarketDataTest.result(body))
        #expect(pairs == [MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT"),
                          MarketPair(market: "LDOUSDT", base: "LDO", quote: "USDT"),
                          MarketPair(market: "LDBTCUSDT", base: "LDBTC", quote: "USDT")])
    }

    /// Hostile answers: `bad_response` or skipped rows, never a crash.
    @Test func hostileAnswersAreSkippedOrBadResponse() throws {
        let list = MarketAnswer.marketList([MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT")])
        for body in MarketDataTest.hostileBodies {
            let answer = MarketDataTest.result(body)
            MarketDataTest.expectSafe(body) { try BinanceMarketData.quotes(from: answer, marketList: list) }
            MarketDataTest.expectSafe(body) { _ = try BinanceMarketData.pairs(from: answer); return [] }
        }
        for price in MarketDataTest.badPrices {
            let body = #"[{"symbol":"BTCUSDT","price":\#(price)}]"#
            MarketDataTest.expectSafe(price) {
                let quotes = try BinanceMarketData.quotes(from: MarketDataTest.result(body), marketList: list)
                #expect(quotes.isEmpty, "\(price) was read as a price")
                return quotes
            }
        }
        let many = "[" + (0..<100_000).map { #"{"symbol":"S\#($0)","price":"1.5"}"# }.joined(separator: ",") +
            #",{"symbol":"BTCUSDT","price":"2.5"}]"#
        let quotes = try BinanceMarketData.quotes(from: MarketDataTest.result(many), marketList: list)
        #expect(quotes.map(\.price) == ["2.5"])
    }

    // MARK: Against the sandbox

    /// `quotes` returns exactly the listed markets whose assets were asked for, at the sandbox's price for that
    /// minute, from one ticker request; each request is charged to the `/api` weight with its documented weight.
    @Test func quotesMatchTheSandboxFromOneRequest() async throws {
        try await awaitRoomInMinute(10)  // the sandbox's weight count below is per wall-clock minute
        try await SandboxHarness.run { h in
            let (configuration, budget) = MarketDataTest.configuration(h)
            let client = BinanceMarketData(configuration: configuration)
            let list = MarketAnswer.marketList(try await client.pairs())
            #expect(list.count == MarketPrices.markets(on: .binance).count)
            let assets: Set<String> = ["BTC", "ETH", "USDT", "EUR"]
            let before = Date()
            let quotes = try await client.quotes(for: assets, marketList: list)
            MarketDataTest.expectMatchesSandbox(quotes, .binance, assets: assets, before: before, after: Date())
            #expect(try await h.count(.binance, path: "/api/v3/ticker/price") == 1)
            #expect(budget.recorded.map(\.weight) == [20, 4])
            #expect(budget.recorded.allSatisfy { $0.scope.hasPrefix("binance-api ") })
            // The sandbox counted both with their documented weights, 20 + 4.
            #expect(try await h.stats(.binance)["maxWeightPerMinute"] as? Int == 24)
        }
    }

    /// The sandbox answers the `symbol` and `symbols` forms as Binance documents them, an unknown symbol with
    /// `-1121`, and filters `exchangeInfo` by `symbolStatus`.
    @Test func sandboxAnswersTheSymbolForms() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .binance).absoluteString + "/api/v3/ticker/price"
            func get(_ query: String) async throws -> (Int, Any) {
                let (data, response) = try await URLSession.shared.data(from: URL(string: base + query)!)
                return ((response as! HTTPURLResponse).statusCode, try JSONSerialization.jsonObject(with: data))
            }
            let (status, one) = try await get("?symbol=BTCUSDT")
            #expect(status == 200 && (one as? [String: Any])?["symbol"] as? String == "BTCUSDT")
            let (_, list) = try await get("?symbols=%5B%22BTCUSDT%22,%22ETHBTC%22%5D")
            #expect((list as? [[String: Any]])?.compactMap { $0["symbol"] as? String } == ["BTCUSDT", "ETHBTC"])
            let (unknownStatus, unknown) = try await get("?symbol=NOPEUSDT")
            #expect(unknownStatus == 400 && (unknown as? [String: Any])?["code"] as? Int == -1121)
            #expect((unknown as? [String: Any])?["msg"] as? String == "Invalid symbol.")
            let info = h.sandbox.baseURL(for: .binance).absoluteString + "/api/v3/exchangeInfo?symbolStatus="
            for (status, count) in [("TRADING", MarketPrices.markets(on: .binance).count), ("BREAK", 0)] {
                let (data, _) = try await URLSession.shared.data(from: URL(string: info + status)!)
                let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                #expect((body?["symbols"] as? [Any])?.count == count, "\(status)")
            }
        }
    }

    /// The `marketDown` knob: both calls fail with `exchange_unavailable`.
    @Test func marketDownIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataTest.setMarketDown(h, .binance)
            let client = BinanceMarketData(configuration: MarketDataTest.configuration(h).0)
            let listing = await exchangeError { _ = try await client.pairs() }
            #expect(listing?.code == .exchangeUnavailable)
            let list = MarketAnswer.marketList([MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT")])
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: list) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }
}
