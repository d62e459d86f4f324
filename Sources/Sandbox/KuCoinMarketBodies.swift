import Exchanges
import Foundation

/// KuCoin's public market data as the sandbox serves it (exchanges.md §11.4): `GET /api/v1/market/allTickers`,
/// every market `MarketPrices.markets(on: .kucoin)` lists, priced by `MarketPrices` for the current minute, in
/// the shape of the official SDK's example (`{"code":"200000","data":{"time":…,"ticker":[…]}}`). The fields a
/// valuation does not read (24 h statistics, fees) carry plausible constants.
enum KuCoinMarketBodies {
    /// The one market path.
    static let allTickersPath = "/api/v1/market/allTickers"

    /// The answer at `now`, `data.time` being the exchange's clock `serverMs`.
    static func allTickers(now: Date, serverMs: Int64) -> ServerResponse {
        let rows = MarketPrices.markets(on: .kucoin).map { market -> [String: Any] in
            let price = MarketPrices.price(of: market, on: .kucoin, at: now)
            return [
                "symbol": market.id, "symbolName": market.id, "buy": price, "bestBidSize": "0.5", "sell": price,
                "bestAskSize": "0.5", "changeRate": "0.0012", "changePrice": "0", "high": price, "low": price,
                "vol": "1000", "volValue": "1000", "last": price, "averagePrice": price, "takerFeeRate": "0.001",
                "makerFeeRate": "0.001", "takerCoefficient": "1", "makerCoefficient": "1",
            ]
        }
        return .json(200, object: ["code": "200000", "data": ["time": serverMs, "ticker": rows] as [String: Any]])
    }
}
