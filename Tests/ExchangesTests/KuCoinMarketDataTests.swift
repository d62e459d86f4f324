import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// `KuCoinMarketData` (exchanges.md §11.4): the SDK's example answer, the sandbox's `allTickers`, the budget, the
/// outage knob and hostile bodies.
struct KuCoinMarketDataTests {
    /// The official SDK's example answer (kucoin-universal-sdk, generated test `test_get_all_tickers_resp_model`).
    static let sdkExample = """
        {
            "code": "200000",
            "data": {
                "time": 1729173207043,
                "ticker": [
                    {
                        "symbol": "BTC-USDT",
                        "symbolName": "BTC-USDT",
                        "buy": "67192.5",
                        "bestBidSize": "0.000025",
                        "sell": "67192.6",
                        "bestAskSize": "1.24949204",
                        "changeRate": "-0.0014",
                        "changePrice": "-98.5",
                        "high": "68321.4",
                        "low": "66683.3",
                        "vol": "1836.03034612",
                        "volValue": "124068431.06726933",
                        "last": "67193",
                        "averagePrice": "67281.21437289",
                        "takerFeeRate": "0.001",
                        "makerFeeRate": "0.001",
                        "takerCoefficient": "1",
                        "makerCoefficient": "1"
                    }
                ]
            }
        }
        """

    @Test func theSDKExampleGivesOneQuoteAtTheAnswersTime() throws {
        let quotes = try KuCoinMarketData.quotes(from: MarketDataChecks.answer(Self.sdkExample), assets: ["BTC", "USDT"])
        #expect(quotes.count == 1)
        let quote = try #require(quotes.first)
        #expect(quote.market == "BTC-USDT" && quote.base == "BTC" && quote.quote == "USDT" && quote.price == "67193")
        #expect(quote.asOf == Date(timeIntervalSince1970: 1_729_173_207.043))
        #expect(quote.raw.hasPrefix("{\"averagePrice\":\"67281.21437289\"") && quote.raw.contains("\"last\":\"67193\""))
        // Only markets whose two assets are asked for.
        #expect(try KuCoinMarketData.quotes(from: MarketDataChecks.answer(Self.sdkExample), assets: ["BTC"]).isEmpty)
    }

    @Test func aRenamedMarketTakesItsAssetsFromSymbolNameAndNullLastIsSkipped() throws {
        let body = """
            {"code":"200000","data":{"time":1729173207043,"ticker":[
            {"symbol":"OLD-USDT","symbolName":"NEW-USDT","last":"2.5"},
            {"symbol":"ETH-USDT","symbolName":"ETH-USDT","last":null},
            {"symbol":"BTC-USDT","symbolName":"BTC-USDT","last":"1"},
            {"symbol":"BTC-USDT","symbolName":"BTC-USDT","last":"2"},
            {"symbol":"A-B-C","symbolName":"A-B-C","last":"3"}]}}
            """
        let quotes = try KuCoinMarketData.quotes(from: MarketDataChecks.answer(body),
                                                 assets: ["NEW", "USDT", "ETH", "BTC", "A", "B", "C", "B-C"])
        #expect(quotes.map(\.market) == ["OLD-USDT", "BTC-USDT"])
        #expect(quotes[0].base == "NEW" && quotes[1].price == "1", "the first BTC-USDT row wins")
    }

    @Test func aPriceSentAsAJSONNumberIsReadExactly() throws {
        let body = """
            {"code":"200000","data":{"ticker":[{"symbol":"BTC-EUR","symbolName":"BTC-EUR","last":1},\
            {"symbol":"ETH-EUR","symbolName":"ETH-EUR","last":0.30000000000000004},\
            {"symbol":"SOL-EUR","symbolName":"SOL-EUR","last":true}]}}
            """
        let quotes = try KuCoinMarketData.quotes(from: MarketDataChecks.answer(body), assets: ["BTC", "ETH", "SOL", "EUR"])
        #expect(quotes.map(\.price) == ["1", "0.30000000000000004"])
        #expect(quotes.first?.raw.contains("\"last\":1") == true)
    }

    @Test func theSandboxServesEveryListedMarketInOneBudgetedRequest() async throws {
        try await SandboxHarness.run { h in
            let budget = RecordingBudget()
            let client = KuCoinMarketData(configuration: MarketDataChecks.configuration(h, budget: budget))
            #expect(!client.needsMarketList)
            #expect(try await client.pairs().isEmpty)
            var assets = MarketDataChecks.allAssets(on: .kucoin)
            assets.remove("KCS")
            let quotes = try await MarketDataChecks.expectSandboxQuotes(client, assets: assets)
            #expect(!quotes.isEmpty && !quotes.contains { $0.base == "KCS" })
            #expect(try await h.count(.kucoin, path: KuCoinMarketData.allTickersPath) == 1)
            #expect(budget.charged.count == 1)
            #expect(budget.charged.first?.weight == 15)
            #expect(budget.charged.first?.scope.hasPrefix("kucoin-public ") == true)
        }
    }

    @Test func theMarketDownKnobIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataChecks.setMarketDown(h, .kucoin)
            let client = KuCoinMarketData(configuration: MarketDataChecks.configuration(h))
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: [:]) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    @Test func hostileBodiesAreSkippedRowsOrBadResponse() {
        let rows = MarketDataChecks.hostileRows { market, price in
            "{\"symbol\":\"\(market)\",\"symbolName\":\"\(market)\",\"last\":\(price)}"
        }
        let parse = { (result: HTTPResult) in try KuCoinMarketData.quotes(from: result, assets: ["BTC", "EUR"]) }
        for row in rows {
            let body = "{\"code\":\"200000\",\"data\":{\"time\":1729173207043,\"ticker\":[\(row)]}}"
            MarketDataChecks.expectSurvives(body, parse)
            #expect((try? parse(MarketDataChecks.answer(body)))?.isEmpty ?? true, "\(row) was priced")
        }
        let envelopes = [
            "", "null", "[]", "{}", "{\"code\":\"200000\"}", "{\"code\":\"200000\",\"data\":null}",
            "{\"code\":\"200000\",\"data\":{\"ticker\":\"x\"}}", "{\"code\":200000,\"data\":{\"ticker\":[]}}",
            "{\"code\":\"200000\",\"data\":{\"time\":\"soon\",\"ticker\":[1,null,\"x\",[],{\"symbol\":5}]}}",
            "{\"code\":\"200000\",\"data\":{\"time\":1e300,\"ticker\":[{\"symbol\":\"BTC-EUR\",\"symbolName\":null,\"last\":\"1\"}]}}",
        ]
        for body in envelopes { MarketDataChecks.expectSurvives(body, parse) }
        // 10^5 rows of one market: read in bounded time, the first wins.
        let many = MarketDataChecks.manyRows("{\"symbol\":\"BTC-EUR\",\"symbolName\":\"BTC-EUR\",\"last\":\"5\"}",
                                             count: 100_000)
        let quotes = try? parse(MarketDataChecks.answer("{\"code\":\"200000\",\"data\":{\"ticker\":\(many)}}"))
        #expect(quotes?.count == 1 && quotes?.first?.price == "5")
    }

    @Test func aLongRowIsCutToOneKibibyteOfRaw() throws {
        let padding = String(repeating: "é", count: 2_000)
        let body = "{\"code\":\"200000\",\"data\":{\"ticker\":[{\"symbol\":\"BTC-EUR\",\"symbolName\":\"BTC-EUR\"," +
            "\"last\":\"1\",\"note\":\"\(padding)\"}]}}"
        let quote = try #require(try KuCoinMarketData.quotes(from: MarketDataChecks.answer(body), assets: ["BTC", "EUR"]).first)
        #expect(quote.raw.utf8.count <= 1024 && quote.raw.utf8.count > 1000)
        #expect(quote.asOf == Date(timeIntervalSince1970: 1_800_000_000), "no time in the answer: when it arrived")
    }
}
