import Exchanges
import Foundation

/// Bitvavo's public price ticker as the sandbox serves it: `GET /v2/ticker/price`, an array
/// `[{"market":"BTC-EUR","price":"…"}]` of every market `MarketPrices.markets(on: .bitvavo)` lists, prices for the
/// current minute (BitvavoMarketData.swift names the docs read). With `market=` it answers that market's object
/// (UNVERIFIED: the single-market REST shape is taken from the SDK returning one object), or, for a market the
/// sandbox does not list, HTTP 400 errorCode 205 "market parameter is invalid." (the `<name> parameter is
/// invalid.` form ccxt quotes for errorCode 205).
enum BitvavoMarketBodies {
    /// The price ticker path.
    static let tickerPricePath = "/v2/ticker/price"

    /// The answer to `query` at `now`.
    static func tickerPrice(query: String, now: Date) -> ServerResponse {
        let markets = MarketPrices.markets(on: .bitvavo)
        let row = { (market: MarketPrices.Market) -> [String: Any] in
            ["market": market.id, "price": MarketPrices.price(of: market, on: .bitvavo, at: now)]
        }
        guard let wanted = ServerRequest.parameters(query)["market"] else {
            return .json(200, object: markets.map(row))
        }
        guard let market = markets.first(where: { $0.id == wanted }) else {
            return BitvavoSimulator.error(400, 205, "market parameter is invalid.")
        }
        return .json(200, object: row(market))
    }
}
