import Foundation
import Sandbox
import Testing
@testable import Exchanges

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Coinbase Advanced Trade's public products listing (exchanges.md §11.3): parsing, paging against the sandbox,
/// the budget, faults.
struct CoinbaseMarketDataTests {
    /// A page in the §11.3 shape: tradable, disabled, offline and broken rows.
    @Test func readsTradableProductsFromAPage() throws {
        let body = """
            {"products":[
             {"product_id":"BTC-USD","price":"91250.120","price_percentage_change_24h":"1.2","volume_24h":"10",
              "base_currency_id":"BTC","quote_currency_id":"USD","status":"online","trading_disabled":false},
             {"product_id":"ETH-USD","price":"3000","base_currency_id":"ETH","quote_currency_id":"USD",
              "status":"online","trading_disabled":true},
             {"product_id":"SOL-USD","price":"140","base_currency_id":"SOL","quote_currency_id":"USD","status":"delisted"},
             {"product_id":"ADA-USD","price":null,"base_currency_id":"ADA","quote_currency_id":"USD","status":"online"},
             {"product_id":"BTC-USD","price":"1","base_currency_id":"BTC","quote_currency_id":"USD","status":"online"},
             "junk"],
             "num_products":6}
            """
        let arrived = Date(timeIntervalSince1970: 1_800_000_000)
        let page = try CoinbaseMarketData.page(from: MarketDataTest.result(body, receivedAt: arrived))
        #expect(page.total == 6 && page.rows.count == 5)
        let quotes = MarketAnswer.filtered(CoinbaseMarketData.quotes(in: page), assets: ["BTC", "ETH", "SOL", "ADA", "USD"])
        #expect(quotes.map(\.market) == ["BTC-USD"] && quotes[0].price == "91250.12" && quotes[0].asOf == arrived)
        #expect(quotes[0].base == "BTC" && quotes[0].quote == "USD" && quotes[0].raw.contains("\"product_id\":\"BTC-USD\""))
    }

    /// Hostile answers: `bad_response` or skipped rows, never a crash.
    @Test func hostileAnswersAreSkippedOrBadResponse() throws {
        for body in MarketDataTest.hostileBodies {
            let answer = MarketDataTest.result(body)
            MarketDataTest.expectSafe(body) { CoinbaseMarketData.quotes(in: try CoinbaseMarketData.page(from: answer)) }
        }
        for price in MarketDataTest.badPrices {
            let body = #"{"products":[{"product_id":"BTC-USD","price":\#(price),"base_currency_id":"BTC","#
                + #""quote_currency_id":"USD","status":"online"}],"num_products":1e400}"#
            MarketDataTest.expectSafe(price) {
                let quotes = CoinbaseMarketData.quotes(in: try CoinbaseMarketData.page(from: MarketDataTest.result(body)))
                #expect(quotes.isEmpty, "\(price) was read as a price")
                return quotes
            }
        }
    }

    /// One request when the sandbox's products fit a page, with every listed market whose assets were asked
    /// for at the sandbox's price; each page is charged to the public allowance.
    @Test func quotesMatchTheSandboxFromOneRequest() async throws {
        try await SandboxHarness.run { h in
            let (configuration, budget) = MarketDataTest.configuration(h)
            let client = CoinbaseMarketData(configuration: configuration)
            #expect(!client.needsMarketList)
            let assets: Set<String> = ["BTC", "ETH", "USD", "EUR", "USDC"]
            let before = Date()
            let quotes = try await client.quotes(for: assets, marketList: [:])
            MarketDataTest.expectMatchesSandbox(quotes, .coinbase, assets: assets, before: before, after: Date())
            #expect(try await h.count(.coinbase, path: "/api/v3/brokerage/market/products") == 1)
            #expect(budget.recorded.count == 1 && budget.recorded[0].scope.hasPrefix("coinbase-public "))
        }
    }

    /// With a page smaller than the product list, the client follows `offset` until `num_products`.
    @Test func pagesUntilNumProducts() async throws {
        try await SandboxHarness.run { h in
            let client = CoinbaseMarketData(configuration: MarketDataTest.configuration(h).0, pageSize: 3)
            let count = MarketPrices.markets(on: .coinbase).count
            let pairs = try await client.pairs()
            #expect(pairs.count == count)
            #expect(try await h.count(.coinbase, path: "/api/v3/brokerage/market/products") == (count + 2) / 3)
            let assets = MarketDataTest.allAssets(.coinbase)
            let before = Date()
            let quotes = try await client.quotes(for: assets, marketList: [:])
            MarketDataTest.expectMatchesSandbox(quotes, .coinbase, assets: assets, before: before, after: Date())
        }
    }

    /// The page bound holds even when more products remain: `maxPages` requests, their products only.
    @Test func readsNoMoreThanMaxPages() async throws {
        try await SandboxHarness.run { h in
            let client = CoinbaseMarketData(configuration: MarketDataTest.configuration(h).0, pageSize: 1, maxPages: 4)
            let pairs = try await client.pairs()
            #expect(pairs.map(\.market) == MarketPrices.markets(on: .coinbase).prefix(4).map(\.id))
            #expect(try await h.count(.coinbase, path: "/api/v3/brokerage/market/products") == 4)
        }
    }

    /// The sandbox filters by repeated `product_ids`; an unknown id is simply not listed.
    @Test func sandboxFiltersByProductIDs() async throws {
        try await SandboxHarness.run { h in
            let base = h.sandbox.baseURL(for: .coinbase).absoluteString + "/api/v3/brokerage/market/products"
            let cases = [("?product_ids=BTC-USD&product_ids=NOPE-USD", ["BTC-USD"]), ("?product_ids=NOPE-USD", [])]
            for (query, expected) in cases {
                let (data, _) = try await URLSession.shared.data(from: URL(string: base + query)!)
                let page = try CoinbaseMarketData.page(from: MarketDataTest.result(String(decoding: data, as: UTF8.self)))
                #expect(page.rows.compactMap { $0["product_id"] as? String } == expected && page.total == expected.count)
            }
        }
    }

    /// The `marketDown` knob: `exchange_unavailable`.
    @Test func marketDownIsAnOutage() async throws {
        try await SandboxHarness.run { h in
            try await MarketDataTest.setMarketDown(h, .coinbase)
            let client = CoinbaseMarketData(configuration: MarketDataTest.configuration(h).0)
            let error = await exchangeError { _ = try await client.quotes(for: ["BTC", "USD"], marketList: [:]) }
            #expect(error?.code == .exchangeUnavailable)
        }
    }
}
