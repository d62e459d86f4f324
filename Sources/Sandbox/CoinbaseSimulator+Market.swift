import Exchanges
import Foundation

/// Coinbase Advanced Trade's public products listing (exchanges.md §11.3): `GET /api/v3/brokerage/market/products`
/// without a JWT, over the markets of `MarketPrices`, with `limit` / `offset` paging, `product_type` and repeated
/// `product_ids` filters. An unknown product id is simply not listed.
extension CoinbaseSimulator {
    /// The public market data paths start here (the `marketDown` knob turns them into a 503).
    static let marketPrefix = "/api/v3/brokerage/market/"

    func isMarketData(_ path: String) -> Bool { path.hasPrefix(Self.marketPrefix) }

    /// The largest page the sandbox serves when `limit` asks for more or is missing.
    static let maxProductPage = 250

    /// The answer to `GET /api/v3/brokerage/market/products`: `{products, num_products}`, `num_products` being
    /// how many products match the filters (all pages).
    func products(_ request: ServerRequest, state: SandboxState) -> ServerResponse {
        let parameters = ServerRequest.parameters(request.query)
        let ids = request.query.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 && parts[0] == "product_ids" ? parts[1].removingPercentEncoding : nil
        }
        let type = parameters["product_type"] ?? "SPOT"
        let matching = MarketPrices.markets(on: .coinbase)
            .filter { type == "SPOT" && (ids.isEmpty || ids.contains($0.id)) }
        let limit = min(max(Int(parameters["limit"] ?? "") ?? Self.maxProductPage, 1), Self.maxProductPage)
        let offset = max(Int(parameters["offset"] ?? "") ?? 0, 0)
        let date = Date(timeIntervalSince1970: Double(state.serverNowMs(.coinbase)) / 1000)
        let page = matching.dropFirst(offset).prefix(limit).map { market -> [String: Any] in
            let price = MarketPrices.price(of: market, on: .coinbase, at: date)
            return [
                "product_id": market.id, "price": price, "price_percentage_change_24h": "1.23",
                "volume_24h": "1234.5678", "volume_percentage_change_24h": "-3.2", "base_increment": "0.00000001",
                "quote_increment": "0.01", "quote_min_size": "1", "quote_max_size": "50000000",
                "base_min_size": "0.00000001", "base_max_size": "3400", "base_name": market.base,
                "quote_name": market.quote, "watched": false, "is_disabled": false, "new": false,
                "status": "online", "cancel_only": false, "limit_only": false, "post_only": false,
                "trading_disabled": false, "auction_mode": false, "product_type": "SPOT",
                "quote_currency_id": market.quote, "base_currency_id": market.base, "mid_market_price": "",
                "alias": "", "alias_to": [String](), "base_display_symbol": market.base,
                "quote_display_symbol": market.quote, "view_only": false, "price_increment": "0.01",
                "display_name": market.base + "-" + market.quote, "product_venue": "CBE",
                "approximate_quote_24h_volume": "1234567.89",
            ]
        }
        return .json(200, object: ["products": page, "num_products": matching.count])
    }
}
