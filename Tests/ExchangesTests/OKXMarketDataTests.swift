import Foundation
import Testing
@testable import Exchanges
import Sandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `OKXMarketData`: the docs' example answer, the sandbox's `tickers`, the budget, the outage knob, the sandbox's
/// own error answers and hostile bodies.
struct OKXMarketDataTests {
    /// The docs' example row of `GET /api/v5/market/tickers` (a perpetual swap; copied in okxapi/okx-sample-market-
    /// maker `okx_market_maker/market_data_service/model/Tickers.py`), and the same row as a spot market.
    static let docsSwapRow = """
        {"instType":"SWAP","instId":"LTC-USD-SWAP","last":"9999.99","lastSz":"0.1","askPx":"9999.99","askSz":"11",\
        "bidPx":"8888.88","bidSz":"5","open24h":"9000","high24h":"10000","low24h":"8888.88","volCcy24h":"2222",\
        "vol24h":"2222","sodUtc0":"0.1","sodUtc8":"0.1","ts":"1597026383085"}
        """
    static var docsSpotRow: String {
        docsSwapRow.replacingOccurrences(of: "\"SWAP\"", with: "\"SPOT\"")
            .replacingOccurrences(of: "LTC-USD-SWAP", with: "LTC-USDT")
    }

    static func body(_ rows: [String]) -> String { "{\"code\":\"0\",\"msg\":\"\",\"data\":[" + rows.joined(separator: ",") + "]}" }

    @Test func theDocsExampleIsASwapAndGivesNoQuoteItsSpotTwinGivesOne() throws {
        let assets: Set<String> = ["LTC", "USD", "USDT", "SWAP"]
        #expect(try OKXMarketData.quotes(from: MarketDataChecks.answer(Self.body([Self.docsSwapRow])), assets: assets).isEmpty)
        let quotes = try OKXMarketData.quotes(from: MarketDataChecks.answer(Self.body([Self.docsSpotRow])), assets: assets)
        let quote = try #require(quotes.first)
        #expect(quotes.count == 1)
        #expect(quote.market == "LTC-USDT" && quote.base == "LTC" && quote.quote == "USDT" && quote.price == "9999.99")
        #expect(quote.asOf == Date(timeIntervalSince1970: 1_597_026_383.085))
        #expect(quote.raw.contains("\"instId\":\"LTC-USDT\""))
    }

    @Test func aRowWithoutItsOwnTimeTakesTheArrivalTimeAndDuplicatesKeepTheFirst() throws {
        let rows = ["{\"instType\":\"SPOT\",\"instId\":\"BTC-EUR\",\"last\":\"10\"}",
                    "{\"instType\":\"SPOT\",\"instId\":\"BTC-EUR\",\"last\":\"20\",\"ts\":\"1597026383085\"}"]
        let quotes = try OKXMarketData.quotes(from: MarketDataChecks.answer(Self.body(rows)), assets: ["BTC", "EUR"])
        #expect(quotes.count == 1 && quotes[0].price == "10")
        #expect(quotes[0].asOf == Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func theSandboxServesEveryListedSpotMarketInOneBudgetedRequest() async throws {
        try await SandboxHarness.run { h in
            let budget = RecordingBudget()
            let client = OKXMarketData(configuration: MarketDataChecks.configuration(h, budget: budget))
            #expect(!client.needsMarketList)
            var assets = MarketDataChecks.allAssets(on: .okx)
            assets.remove("BETH")
            _ = try await MarketDataChecks.expectSandboxQuotes(client, assets: assets)
            #expect(try await h.count(.okx, path: OKXMarketData.tickersPath) == 1)
            #expect(budget.charged.count == 1 && budget.charged.first?.weight == 1)
            let scope = budget.charged.first?.scope ?? ""
            #expect(scope.hasPrefix("okx-public ") && scope.contains(OKXMarketData.tickersPath), "\(scope)")
        }
    }

    @Test func theMarketDownKnobIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataChecks.setMarketDown(h, .okx)
            let client = OKXMarketData(configuration: MarketDataChecks.configuration(h))
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USDT"], marketList: [:]) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    @Test func theSandboxAnswersUnknownInstrumentsAndTypesAsOKXDoes() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .okx).absoluteString
            func get(_ target: String) async throws -> (Int, [String: Any]) {
                let (data, response) = try await URLSession.shared.data(from: URL(string: base + target)!)
                return ((response as! HTTPURLResponse).statusCode,
                        try JSONSerialization.jsonObject(with: data) as! [String: Any])
            }
            let unknown = try await get("/api/v5/market/ticker?instId=NOPE-USDT")
            #expect(unknown.0 == 200 && unknown.1["code"] as? String == "51001")
            let known = try await get("/api/v5/market/ticker?instId=BTC-USDT")
            #expect(known.1["code"] as? String == "0" && (known.1["data"] as? [Any])?.count == 1)
            let noType = try await get("/api/v5/market/tickers")
            #expect(noType.0 == 400 && noType.1["code"] as? String == "51000")
            let swaps = try await get("/api/v5/market/tickers?instType=SWAP")
            #expect((swaps.1["data"] as? [Any])?.isEmpty == true)
            // The same markets on a regional host.
            let eea = try await get("/eea/api/v5/market/tickers?instType=SPOT")
            #expect((eea.1["data"] as? [Any])?.count == MarketPrices.markets(on: .okx).count)
        }
    }

    @Test func hostileBodiesAreSkippedRowsOrBadResponse() {
        let parse = { (result: HTTPResult) in try OKXMarketData.quotes(from: result, assets: ["BTC", "EUR"]) }
        for row in MarketDataChecks.hostileRows({ "{\"instType\":\"SPOT\",\"instId\":\"\($0)\",\"last\":\($1)}" }) {
            let body = Self.body([row])
            MarketDataChecks.expectSurvives(body, parse)
            #expect((try? parse(MarketDataChecks.answer(body)))?.isEmpty ?? true, "\(row) was priced")
        }
        let envelopes = [
            "", "[]", "{}", "{\"code\":\"0\",\"data\":null}", "{\"code\":\"0\",\"data\":{}}",
            "{\"code\":\"0\",\"data\":[1,\"x\",null,[],{\"instId\":7}]}",
            Self.body(["{\"instType\":\"SPOT\",\"instId\":\"BTC-EUR\",\"last\":\"1\",\"ts\":\"-1\"}"]),
            Self.body(["{\"instType\":null,\"instId\":\"BTC-EUR\",\"last\":\"1\"}"]),
        ]
        for body in envelopes { MarketDataChecks.expectSurvives(body, parse) }
        let many = MarketDataChecks.manyRows("{\"instType\":\"SPOT\",\"instId\":\"BTC-EUR\",\"last\":\"5\"}", count: 100_000)
        let quotes = try? parse(MarketDataChecks.answer("{\"code\":\"0\",\"data\":\(many)}"))
        #expect(quotes?.count == 1 && quotes?.first?.price == "5")
    }
}
