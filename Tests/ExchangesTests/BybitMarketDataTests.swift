import Foundation
import Testing
@testable import Exchanges
import Sandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `BybitMarketData`: the docs' example answers (instruments-info and tickers, spot), the sandbox's market list and
/// tickers, the budget, the outage knob, the sandbox's own error answers and hostile bodies.
struct BybitMarketDataTests {
    /// The docs' spot example of `GET /v5/market/instruments-info` (`docs/v5/market/instrument.mdx`).
    static let docsInstruments = """
        {"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","baseCoin":"BTC",\
        "quoteCoin":"USDT","innovation":"0","status":"Trading","marginTrading":"utaOnly","stTag":"0",\
        "lotSizeFilter":{"basePrecision":"0.000001","quotePrecision":"0.0000001","minOrderQty":"0.000011",\
        "maxOrderQty":"83","minOrderAmt":"5","maxOrderAmt":"8000000","maxLimitOrderQty":"83",\
        "maxMarketOrderQty":"41.5"},"priceFilter":{"tickSize":"0.1"},"riskParameters":{"priceLimitRatioX":"0.005",\
        "priceLimitRatioY":"0.01"},"symbolType":""}]},"retExtInfo":{},"time":1760027412300}
        """
    /// The docs' spot example of `GET /v5/market/tickers` (`docs/v5/market/tickers.mdx`).
    static let docsTickers = """
        {"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","bid1Price":"20517.96",\
        "bid1Size":"2","ask1Price":"20527.77","ask1Size":"1.862172","lastPrice":"20533.13","prevPrice24h":"20393.48",\
        "price24hPcnt":"0.0068","highPrice24h":"21128.12","lowPrice24h":"20318.89","turnover24h":"243765620.65899866",\
        "volume24h":"11801.27771","usdIndexPrice":"20784.12009279"}]},"retExtInfo":{},"time":1673859087947}
        """

    static func byMarket(_ pairs: [MarketPair]) -> [String: MarketPair] {
        Dictionary(pairs.map { ($0.market, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func theDocsExamplesGiveTheMarketAndItsQuote() throws {
        let pairs = try BybitMarketData.pairs(from: MarketDataChecks.answer(Self.docsInstruments))
        #expect(pairs == [MarketPair(market: "BTCUSDT", base: "BTC", quote: "USDT")])
        let quotes = try BybitMarketData.quotes(from: MarketDataChecks.answer(Self.docsTickers), assets: ["BTC", "USDT"],
                                                marketList: Self.byMarket(pairs))
        let quote = try #require(quotes.first)
        #expect(quotes.count == 1)
        #expect(quote.market == "BTCUSDT" && quote.base == "BTC" && quote.quote == "USDT" && quote.price == "20533.13")
        #expect(quote.asOf == Date(timeIntervalSince1970: 1_673_859_087.947))
        // Without the market list the symbol cannot be split: skipped, never guessed.
        #expect(try BybitMarketData.quotes(from: MarketDataChecks.answer(Self.docsTickers), assets: ["BTC", "USDT"],
                                           marketList: [:]).isEmpty)
    }

    @Test func onlyTradingRowsWithUsableCoinsMakeTheMarketList() throws {
        let body = """
            {"retCode":0,"result":{"list":[{"symbol":"AUSDT","baseCoin":"A","quoteCoin":"USDT","status":"Closed"},\
            {"symbol":"BUSDT","baseCoin":null,"quoteCoin":"USDT","status":"Trading"},\
            {"symbol":"CUSDT","baseCoin":"C","quoteCoin":"USDT","status":"Trading"},\
            {"symbol":"CUSDT","baseCoin":"X","quoteCoin":"Y","status":"Trading"}]}}
            """
        #expect(try BybitMarketData.pairs(from: MarketDataChecks.answer(body)) == [MarketPair(market: "CUSDT", base: "C", quote: "USDT")])
    }

    @Test func theSandboxServesItsMarketListAndEveryListedMarketInOneRequestEach() async throws {
        try await SandboxHarness.run { h in
            let budget = RecordingBudget()
            let client = BybitMarketData(configuration: MarketDataChecks.configuration(h, budget: budget))
            #expect(client.needsMarketList)
            let pairs = try await client.pairs()
            #expect(Set(pairs.map(\.market)) == Set(MarketPrices.markets(on: .bybit).map(\.id)))
            #expect(try await h.count(.bybit, path: BybitMarketData.instrumentsPath) == 1)
            var assets = MarketDataChecks.allAssets(on: .bybit)
            assets.remove("MNT")
            _ = try await MarketDataChecks.expectSandboxQuotes(client, assets: assets, marketList: Self.byMarket(pairs))
            #expect(try await h.count(.bybit, path: BybitMarketData.tickersPath) == 1)
            #expect(budget.charged.count == 2 && budget.charged.allSatisfy { $0.weight == 1 && $0.scope.hasPrefix("bybit-ip ") })
        }
    }

    @Test func theMarketDownKnobIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataChecks.setMarketDown(h, .bybit)
            let client = BybitMarketData(configuration: MarketDataChecks.configuration(h))
            #expect(await exchangeError { _ = try await client.pairs() }?.code == .exchangeUnavailable)
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: [:]) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    @Test func theSandboxAnswersUnknownSymbolsAndCategoriesAsBybitDoes() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .bybit).absoluteString
            func get(_ target: String) async throws -> [String: Any] {
                let (data, _) = try await URLSession.shared.data(from: URL(string: base + target)!)
                return try JSONSerialization.jsonObject(with: data) as! [String: Any]
            }
            #expect(try await get("/v5/market/tickers?category=spot&symbol=NOPEUSDT")["retCode"] as? Int == 10001)
            let one = try await get("/v5/market/tickers?category=spot&symbol=BTCUSDT")
            #expect(((one["result"] as? [String: Any])?["list"] as? [Any])?.count == 1)
            #expect(try await get("/v5/market/tickers")["retCode"] as? Int == 10001)
            let linear = try await get("/v5/market/instruments-info?category=linear")
            #expect(((linear["result"] as? [String: Any])?["list"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func hostileBodiesAreSkippedRowsOrBadResponse() {
        let list = ["BTC-EUR": MarketPair(market: "BTC-EUR", base: "BTC", quote: "EUR")]
        let parse = { (result: HTTPResult) in
            try BybitMarketData.quotes(from: result, assets: ["BTC", "EUR"], marketList: list)
        }
        func body(_ rows: String) -> String { "{\"retCode\":0,\"result\":{\"list\":\(rows)},\"time\":1673859087947}" }
        for row in MarketDataChecks.hostileRows({ "{\"symbol\":\"\($0)\",\"lastPrice\":\($1)}" }) {
            MarketDataChecks.expectSurvives(body("[" + row + "]"), parse)
            #expect((try? parse(MarketDataChecks.answer(body("[" + row + "]"))))?.isEmpty ?? true, "\(row) was priced")
        }
        let envelopes = ["", "[]", "{}", "{\"retCode\":0}", "{\"retCode\":\"0\",\"result\":{\"list\":[]}}",
                         "{\"retCode\":0,\"result\":{\"list\":{}}}", body("[1,null,\"x\",[],{\"symbol\":[]}]"),
                         "{\"retCode\":0,\"result\":{\"list\":[{\"symbol\":\"BTC-EUR\",\"lastPrice\":\"1\"}]},\"time\":\"x\"}"]
        for text in envelopes {
            MarketDataChecks.expectSurvives(text, parse)
            MarketDataChecks.expectSurvives(text) { try BybitMarketData.pairs(from: $0).map {
                MarketQuote(market: $0.market, base: $0.base, quote: $0.quote, price: "1", asOf: Date(), raw: "")
            } }
        }
        let many = MarketDataChecks.manyRows("{\"symbol\":\"BTC-EUR\",\"lastPrice\":\"5\"}", count: 100_000)
        let quotes = try? parse(MarketDataChecks.answer(body(many)))
        #expect(quotes?.count == 1 && quotes?.first?.price == "5")
    }
}
