import Foundation
import Testing
@testable import Exchanges
import Sandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `BitvavoMarketData`: the SDK's example answer, the sandbox's price ticker, the budget and the weight counter,
/// the outage knob, the sandbox's answer for an unknown market and hostile bodies.
struct BitvavoMarketDataTests {
    /// The example answer of "Get price ticker" in bitvavo/python-bitvavo-api `README.md` (its `...` left out).
    static let sdkExample = """
        [{"market":"EOS-EUR","price":"2.0142"},{"market":"XRP-EUR","price":"0.27848"},\
        {"market":"ETH-EUR","price":"99.877"},{"market":"IOST-EUR","price":"0.005941"},\
        {"market":"BCH-EUR","price":"106.57"},{"market":"BTC-EUR","price":"3008.9"},\
        {"market":"STORM-EUR","price":"0.0025672"},{"market":"EOS-BTC","price":"0.00066289"}]
        """

    @Test func theSDKExampleGivesTheAskedMarketsAtTheArrivalTime() throws {
        let quotes = try BitvavoMarketData.quotes(from: MarketDataChecks.answer(Self.sdkExample),
                                                  assets: ["BTC", "ETH", "EOS", "EUR"])
        #expect(quotes.map(\.market) == ["EOS-EUR", "ETH-EUR", "BTC-EUR", "EOS-BTC"])
        #expect(quotes.map(\.price) == ["2.0142", "99.877", "3008.9", "0.00066289"])
        #expect(quotes[3].base == "EOS" && quotes[3].quote == "BTC")
        #expect(quotes.allSatisfy { $0.asOf == Date(timeIntervalSince1970: 1_800_000_000) })
        #expect(quotes[0].raw == "{\"market\":\"EOS-EUR\",\"price\":\"2.0142\"}")
    }

    @Test func aMarketWithoutAPriceIsSkipped() throws {
        let body = "[{\"market\":\"NEW-EUR\"},{\"market\":\"OLD-EUR\",\"price\":\"\"},{\"market\":\"BTC-EUR\",\"price\":\"1\"}]"
        let quotes = try BitvavoMarketData.quotes(from: MarketDataChecks.answer(body), assets: ["NEW", "OLD", "BTC", "EUR"])
        #expect(quotes.map(\.market) == ["BTC-EUR"])
    }

    @Test func theSandboxServesEveryListedMarketInOneBudgetedRequest() async throws {
        try await SandboxHarness.run { h in
            let budget = RecordingBudget()
            let client = BitvavoMarketData(configuration: MarketDataChecks.configuration(h, budget: budget))
            #expect(!client.needsMarketList)
            var assets = MarketDataChecks.allAssets(on: .bitvavo)
            assets.remove("SOL")
            _ = try await MarketDataChecks.expectSandboxQuotes(client, assets: assets)
            #expect(try await h.count(.bitvavo, path: BitvavoMarketData.tickerPricePath) == 1)
            #expect(budget.charged.count == 1 && budget.charged.first?.weight == 1)
            #expect(budget.charged.first?.scope.hasPrefix("bitvavo-public ") == true)
        }
    }

    @Test func theSandboxCountsTheTickerInTheIPsWeight() async throws {
        try await SandboxHarness.run { h in
            let url = h.sandbox.baseURL(for: .bitvavo).appendingPathComponent("v2/ticker/price")
            let (_, first) = try await URLSession.shared.data(from: url)
            let (_, second) = try await URLSession.shared.data(from: url)
            func remaining(_ response: URLResponse) -> Int? {
                ((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "bitvavo-ratelimit-remaining")).flatMap { Int($0) }
            }
            let (a, b) = (try #require(remaining(first)), try #require(remaining(second)))
            // One point each, unless the minute turned between the two requests (the count restarts).
            #expect(a - b == 1 || b == 999, "\(a) then \(b)")
        }
    }

    @Test func theMarketDownKnobIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataChecks.setMarketDown(h, .bitvavo)
            let client = BitvavoMarketData(configuration: MarketDataChecks.configuration(h))
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "EUR"], marketList: [:]) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }

    @Test func theSandboxAnswersAnUnknownMarketWithErrorCode205() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .bitvavo).absoluteString
            let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/v2/ticker/price?market=NOPE-EUR")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 400)
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(body?["errorCode"] as? Int == 205)
            let (one, _) = try await URLSession.shared.data(from: URL(string: base + "/v2/ticker/price?market=BTC-EUR")!)
            #expect((try JSONSerialization.jsonObject(with: one) as? [String: Any])?["market"] as? String == "BTC-EUR")
        }
    }

    @Test func hostileBodiesAreSkippedRowsOrBadResponse() {
        let parse = { (result: HTTPResult) in try BitvavoMarketData.quotes(from: result, assets: ["BTC", "EUR"]) }
        for row in MarketDataChecks.hostileRows({ "{\"market\":\"\($0)\",\"price\":\($1)}" }) {
            MarketDataChecks.expectSurvives("[" + row + "]", parse)
            #expect((try? parse(MarketDataChecks.answer("[" + row + "]")))?.isEmpty ?? true, "\(row) was priced")
        }
        for body in ["", "{}", "null", "\"x\"", "[1,null,\"x\",[],{\"market\":5,\"price\":\"1\"}]",
                     "[{\"market\":\"BTCEUR\",\"price\":\"1\"},{\"market\":\"-EUR\",\"price\":\"1\"}]",
                     "[{\"market\":\"BTC EUR\",\"price\":\"1\"}]"] {
            MarketDataChecks.expectSurvives(body, parse)
            #expect((try? parse(MarketDataChecks.answer(body)))?.isEmpty ?? true, "\(body) was priced")
        }
        let quotes = try? parse(MarketDataChecks.answer(
            MarketDataChecks.manyRows("{\"market\":\"BTC-EUR\",\"price\":\"5\"}", count: 100_000)))
        #expect(quotes?.count == 1 && quotes?.first?.price == "5")
    }
}
