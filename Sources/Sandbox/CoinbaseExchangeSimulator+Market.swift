import Exchanges
import Foundation

/// Coinbase Exchange's public market data (exchanges.md §11.3): `GET /products` and `GET /products/{id}/ticker`
/// over the markets of `MarketPrices`, no key. An unknown product is 404 `{"message":"NotFound"}`.
extension CoinbaseExchangeSimulator {
    func isMarketData(_ path: String) -> Bool { path == "/products" || path.hasPrefix("/products/") }

    /// The answer to a market data request.
    func market(_ request: ServerRequest, state: SandboxState) -> ServerResponse {
        let markets = MarketPrices.markets(on: .coinbaseexchange)
        if request.path == "/products" { return .json(200, object: markets.map(Self.product)) }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // "/products/{id}/ticker" splits into "", "products", id, "ticker".
        guard parts.count == 4, parts[3] == "ticker", let market = markets.first(where: { $0.id == parts[2] }) else {
            return .json(404, object: ["message": "NotFound"])
        }
        let now = state.serverNowMs(.coinbaseexchange)
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        let price = MarketPrices.price(of: market, on: .coinbaseexchange, at: date)
        return .json(200, object: [
            "trade_id": 86326522, "price": price, "size": "0.00698254", "time": SimulatorSupport.iso(now),
            "bid": price, "ask": price, "volume": "53602.03940154", "rfq_volume": "123.122",
            "conversions_volume": "0.00",
        ])
    }

    /// One `/products` row (Coinbase Exchange reference "Get all known trading pairs").
    private static func product(_ market: MarketPrices.Market) -> [String: Any] {
        [
            "id": market.id, "base_currency": market.base, "quote_currency": market.quote, "quote_increment": "0.01",
            "base_increment": "0.00000001", "display_name": market.base + "/" + market.quote,
            "min_market_funds": "1", "margin_enabled": false, "post_only": false, "limit_only": false,
            "cancel_only": false, "status": "online", "status_message": "", "trading_disabled": false,
            "fx_stablecoin": false, "max_slippage_percentage": "0.02000000", "auction_mode": false,
        ]
    }
}
