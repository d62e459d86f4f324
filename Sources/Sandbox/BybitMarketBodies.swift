import Exchanges
import Foundation

/// Bybit v5's public market data as the sandbox serves it: `GET /v5/market/instruments-info` and
/// `GET /v5/market/tickers`, spot rows in the docs' shape (BybitMarketData.swift names the docs read), every market
/// `MarketPrices.markets(on: .bybit)` lists, prices for the current minute, the envelope's `time` the exchange clock.
///
/// The sandbox lists spot markets only: `category=spot` gives them, `linear`, `inverse` and `option` an empty
/// list, a missing or unknown category retCode 10001. A `symbol` the sandbox does not list gets 10001 "Not
/// supported symbols" from `tickers` (HTTP 200; observed in public Bybit clients, not in the docs) and an empty
/// list from `instruments-info` (UNVERIFIED: our reading of a filter that matches nothing). The 10001 text for a
/// bad category is ours.
enum BybitMarketBodies {
    /// The spot market list.
    static let instrumentsPath = "/v5/market/instruments-info"
    /// The tickers.
    static let tickersPath = "/v5/market/tickers"
    /// The documented categories (`enum.mdx` `category`).
    static let categories: Set<String> = ["spot", "linear", "inverse", "option"]

    /// The answer to `path` (one of the two above) with `query`, at `now`; `serverMs` is the envelope's `time`.
    static func answer(path: String, query: String, now: Date, serverMs: Int64) -> ServerResponse {
        let parameters = ServerRequest.parameters(query)
        guard let category = parameters["category"], categories.contains(category) else {
            return BybitSimulator.error(200, 10001, "Illegal category", time: serverMs)
        }
        var markets = category == "spot" ? MarketPrices.markets(on: .bybit) : []
        if let symbol = parameters["symbol"] {
            markets = markets.filter { $0.id == symbol }
            if markets.isEmpty && path == tickersPath {
                return BybitSimulator.error(200, 10001, "Not supported symbols", time: serverMs)
            }
        }
        let rows = markets.map { path == tickersPath ? ticker($0, now: now) : instrument($0) }
        var result: [String: Any] = ["category": category, "list": rows]
        if path == instrumentsPath && category != "spot" { result["nextPageCursor"] = "" }
        return BybitSimulator.body(result, time: serverMs)
    }

    /// One spot `tickers` row.
    private static func ticker(_ market: MarketPrices.Market, now: Date) -> [String: Any] {
        let price = MarketPrices.price(of: market, on: .bybit, at: now)
        return [
            "symbol": market.id, "bid1Price": price, "bid1Size": "1", "ask1Price": price, "ask1Size": "1",
            "lastPrice": price, "prevPrice24h": market.start, "price24hPcnt": "0", "highPrice24h": price,
            "lowPrice24h": price, "turnover24h": "1000", "volume24h": "10", "usdIndexPrice": "",
        ]
    }

    /// One spot `instruments-info` row.
    private static func instrument(_ market: MarketPrices.Market) -> [String: Any] {
        [
            "symbol": market.id, "baseCoin": market.base, "quoteCoin": market.quote, "innovation": "0",
            "status": "Trading", "marginTrading": "utaOnly", "stTag": "0",
            "lotSizeFilter": ["basePrecision": "0.000001", "quotePrecision": "0.0000001", "minOrderQty": "0.000011",
                              "maxOrderQty": "83", "minOrderAmt": "5", "maxOrderAmt": "8000000"],
            "priceFilter": ["tickSize": "0.01"], "symbolType": "",
        ]
    }
}
