import Foundation

/// Coinbase Exchange's keyless market data (exchanges.md §11.3): the product list from `GET /products` and one
/// `GET /products/{id}/ticker` per product, since the Exchange API has no batched ticker (§11 table). Every
/// request spends one unit of the per-IP public allowance (`BudgetPool.coinbaseExchangePublic`, 10 requests per
/// second, bursts 15; §10.4).
///
/// A call reads at most `maxTickersPerCall` (25) tickers: at the published 10 requests per second (§10.4) that is
/// 2.5 seconds of the whole allowance, inside the budget's interactive wait (`budgetWait`, 5 s), so a call is never
/// refused by its own budget and a timer run leaves most of each minute's allowance to other callers. Which
/// products are read: those in `marketList` whose base and quote are both asked for, in market id order; the
/// caller asks only for the assets it holds, so 25 covers a portfolio's markets in practice.
struct CoinbaseExchangeMarketData: MarketDataClient {
    let configuration: ExchangeConfiguration

    /// Most ticker requests one `quotes` call sends.
    static let maxTickersPerCall = 25

    var exchange: ExchangeID { .coinbaseexchange }
    var needsMarketList: Bool { true }

    /// Every product whose `status` is `online` and whose `trading_disabled` is not true. Throws the mapped
    /// `ExchangeError` (`CoinbaseExchangeErrors`), `bad_response` when the answer is not an array.
    func pairs() async throws -> [MarketPair] {
        try Self.pairs(from: try await get("/products"))
    }

    /// The last price of up to `maxTickersPerCall` listed products whose assets are both in `assets`. A product
    /// Coinbase answers 404 (`{"message":"NotFound"}`, delisted since the list was read) or whose ticker has no
    /// decimal price above zero is skipped; any other error fails the call. `asOf` is the ticker's `time`.
    func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        let wanted = marketList.values
            .filter { assets.contains($0.base) && assets.contains($0.quote) && Self.isSafeID($0.market) }
            .sorted { $0.market < $1.market }
            .prefix(Self.maxTickersPerCall)
        var quotes: [MarketQuote] = []
        for pair in wanted {
            let result = try await configuration.send(
                "GET", try ResponseSupport.url(configuration.baseURL(for: .coinbaseexchange),
                                               path: "/products/\(pair.market)/ticker"),
                cost: configuration.cost(.coinbaseExchangePublic, weight: RequestWeight.coinbaseRequest))
            if Self.isUnknownProduct(result) { continue }
            if let error = CoinbaseExchangeErrors.classify(result) { throw error }
            if let quote = try Self.quote(from: result, pair: pair) { quotes.append(quote) }
        }
        return quotes
    }

    /// True for Coinbase's answer to a product it does not know: 404 `{"message":"NotFound"}`. Any other 404
    /// (an HTML page from a wrong base URL) is an error, so a misconfigured host never reads as "no prices".
    static func isUnknownProduct(_ result: HTTPResult) -> Bool {
        guard result.status == 404, let body = try? MarketAnswer.json(result, exchange: .coinbaseexchange) else {
            return false
        }
        return (body as? [String: Any])?["message"] as? String == "NotFound"
    }

    /// True for a product id that can go into a URL path as it is (`BTC-USD`): letters, digits and `-` only, so
    /// an id from a hostile list can never reach another path.
    static func isSafeID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 32 && id.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-")
        }
    }

    private func get(_ path: String) async throws -> HTTPResult {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .coinbaseexchange), path: path),
            cost: configuration.cost(.coinbaseExchangePublic, weight: RequestWeight.coinbaseRequest))
        if let error = CoinbaseExchangeErrors.classify(result) { throw error }
        return result
    }

    /// The tradable products of a `/products` answer; rows without `id`, `base_currency` and `quote_currency`
    /// strings are skipped, as are ids that are not safe in a path.
    static func pairs(from result: HTTPResult) throws -> [MarketPair] {
        guard let rows = try MarketAnswer.json(result, exchange: .coinbaseexchange) as? [Any] else {
            throw ExchangeError(.badResponse, exchange: .coinbaseexchange, detail: "products is not an array")
        }
        return MarketAnswer.unique(rows.compactMap { item in
            guard let row = item as? [String: Any], row["status"] as? String == "online",
                  row["trading_disabled"] as? Bool != true,
                  let id = MarketAnswer.identifier(row["id"]), isSafeID(id),
                  let base = MarketAnswer.identifier(row["base_currency"]),
                  let quote = MarketAnswer.identifier(row["quote_currency"]) else { return nil }
            return MarketPair(market: id, base: AssetNormalizer.normalize(base, on: .coinbaseexchange).asset,
                              quote: AssetNormalizer.normalize(quote, on: .coinbaseexchange).asset)
        })
    }

    /// The quote of one ticker answer for `pair`, nil when its `price` is not a decimal above zero;
    /// `bad_response` when the answer is not an object. `asOf` is `time` (never later than the answer's
    /// arrival), else the arrival.
    static func quote(from result: HTTPResult, pair: MarketPair) throws -> MarketQuote? {
        guard let row = try MarketAnswer.json(result, exchange: .coinbaseexchange) as? [String: Any] else {
            throw ExchangeError(.badResponse, exchange: .coinbaseexchange, detail: "ticker is not an object")
        }
        guard let price = MarketAnswer.price(row["price"]) else { return nil }
        return MarketQuote(market: pair.market, base: pair.base, quote: pair.quote, price: price,
                           asOf: MarketAnswer.time(row["time"], receivedAt: result.receivedAt) ?? result.receivedAt,
                           raw: MarketAnswer.raw(row))
    }
}
