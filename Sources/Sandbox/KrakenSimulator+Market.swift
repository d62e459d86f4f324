import Exchanges
import Foundation

/// Kraken's keyless market data (exchanges.md §11.2): `GET /0/public/AssetPairs` and `GET /0/public/Ticker` over
/// the markets of `MarketPrices`, keyed by pair id (`XXBTZUSD`). `pair=` takes a comma list of pair ids or
/// altnames; an unknown one is Kraken's `EQuery:Unknown asset pair` with HTTP 200, as every Kraken API error.
extension KrakenSimulator {
    /// The market data paths (the `marketDown` knob turns exactly these into a 503).
    static let marketPaths: Set<String> = ["/0/public/AssetPairs", "/0/public/Ticker"]

    func isMarketData(_ path: String) -> Bool { Self.marketPaths.contains(path) }

    /// The answer to a market data request.
    func market(_ request: ServerRequest, state: SandboxState) -> ServerResponse {
        var markets = MarketPrices.markets(on: .kraken)
        if let list = ServerRequest.parameters(request.query)["pair"], !list.isEmpty {
            var chosen: [MarketPrices.Market] = []
            for name in list.split(separator: ",").map(String.init) {
                guard let market = markets.first(where: { $0.id == name || Self.altname($0) == name }) else {
                    return .json(200, object: ["error": ["EQuery:Unknown asset pair"]])
                }
                chosen.append(market)
            }
            markets = chosen
        }
        var result: [String: Any] = [:]
        if request.path == "/0/public/AssetPairs" {
            for market in markets { result[market.id] = Self.pairInfo(market) }
        } else {
            let date = Date(timeIntervalSince1970: Double(state.serverNowMs(.kraken)) / 1000)
            for market in markets {
                result[market.id] = Self.ticker(MarketPrices.price(of: market, on: .kraken, at: date))
            }
        }
        return .json(200, object: ["error": [String](), "result": result])
    }

    /// Kraken's short names of its legacy ids (`XXBT` → `XBT`, `ZUSD` → `USD`; §3.6), as altnames use them.
    private static let shortNames = ["XXBT": "XBT", "XETH": "ETH", "XXDG": "XDG", "ZUSD": "USD", "ZEUR": "EUR",
                                     "ZGBP": "GBP", "ZJPY": "JPY", "ZCAD": "CAD", "ZAUD": "AUD"]

    /// The pair's altname (`XBTUSD`).
    static func altname(_ market: MarketPrices.Market) -> String {
        (shortNames[market.base] ?? market.base) + (shortNames[market.quote] ?? market.quote)
    }

    /// One `AssetPairs` row (§11.2: spec example `pairs.yaml`).
    private static func pairInfo(_ market: MarketPrices.Market) -> [String: Any] {
        let (base, quote) = (shortNames[market.base] ?? market.base, shortNames[market.quote] ?? market.quote)
        return [
            "altname": base + quote, "wsname": base + "/" + quote, "aclass_base": "currency", "base": market.base,
            "aclass_quote": "currency", "quote": market.quote, "lot": "unit", "cost_decimals": 5,
            "pair_decimals": 5, "lot_decimals": 8, "lot_multiplier": 1, "leverage_buy": [Int](),
            "leverage_sell": [Int](), "fees": [[0, 0.26], [50000, 0.24]], "fees_maker": [[0, 0.16], [50000, 0.14]],
            "fee_volume_currency": "ZUSD", "margin_call": 80, "margin_stop": 40, "ordermin": "0.0001",
            "costmin": "0.5", "tick_size": "0.00001", "status": "online",
        ]
    }

    /// One `Ticker` row with every member of the spec's shape (§11.2), derived from the last price: the bid is
    /// the price, the ask one unit of its last digit above, the day's low, high and open the price itself.
    private static func ticker(_ price: String) -> [String: Any] {
        let digits = price.split(separator: ".").dropFirst().first?.count ?? 0
        let unit = digits == 0 ? "1" : "0." + String(repeating: "0", count: digits - 1) + "1"
        let ask = DecimalString.add(price, unit) ?? price
        return [
            "a": [ask, "1", "1.000"], "b": [price, "2", "2.000"], "c": [price, "0.01000000"],
            "v": ["1234.56789012", "2345.67890123"], "p": [price, price], "t": [1520, 3042],
            "l": [price, price], "h": [ask, ask], "o": price,
        ]
    }
}
