import Foundation

/// Binance's keyless market data (exchanges.md §11.1): the symbol list from `GET /api/v3/exchangeInfo` and every
/// last price at once from `GET /api/v3/ticker/price`, both spent from the IP's `/api` weight (`BinanceEndpoint`).
///
/// Symbols are concatenated names (`BTCUSDT`), so `quotes` needs the market list to know a symbol's assets; it
/// never splits the string.
struct BinanceMarketData: MarketDataClient {
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .binance }
    var needsMarketList: Bool { true }

    /// Every symbol whose `status` is `TRADING` (asked of Binance with `exchangeInfoQuery`, and checked again
    /// per row), with its canonical base and quote. Throws the mapped
    /// `ExchangeError` (`BinanceErrors`), `bad_response` when the answer has no `symbols` array.
    func pairs() async throws -> [MarketPair] {
        try Self.pairs(from: try await get(.exchangeInfo, query: Self.exchangeInfoQuery))
    }

    /// The last price of every listed symbol whose assets are both in `assets`, from one request. `asOf` is when
    /// the answer arrived: the ticker carries no time (§11.1).
    func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        MarketAnswer.filtered(try Self.quotes(from: try await get(.tickerPrice), marketList: marketList),
                              assets: assets)
    }

    /// The `exchangeInfo` query: only symbols that trade now, without the `permissionSets` arrays. Both parameters
    /// only shrink the answer (about half of Binance's symbols are delisted, `BREAK`), which must stay under the
    /// transport's body cap; the weight stays 20. Source: developers.binance.com, Spot API "General endpoints",
    /// Exchange information (`symbolStatus`: TRADING, HALT, BREAK; `showPermissionSets`, default true).
    static let exchangeInfoQuery = "symbolStatus=TRADING&showPermissionSets=false"

    private func get(_ endpoint: BinanceEndpoint, query: String = "") async throws -> HTTPResult {
        let url = try ResponseSupport.url(configuration.baseURL(for: .binance), path: endpoint.path, query: query)
        let result = try await configuration.send(endpoint.method, url, cost: endpoint.cost(in: configuration))
        if let error = BinanceErrors.classify(result) { throw error }
        return result
    }

    /// The `TRADING` symbols of an `exchangeInfo` answer; rows without a symbol, base or quote string are skipped.
    static func pairs(from result: HTTPResult) throws -> [MarketPair] {
        guard let body = try MarketAnswer.json(result, exchange: .binance) as? [String: Any],
              let symbols = body["symbols"] as? [Any] else {
            throw ExchangeError(.badResponse, exchange: .binance, detail: "exchangeInfo without symbols")
        }
        return MarketAnswer.unique(symbols.compactMap { item in
            guard let row = item as? [String: Any], row["status"] as? String == "TRADING",
                  let symbol = MarketAnswer.identifier(row["symbol"]),
                  let base = MarketAnswer.identifier(row["baseAsset"]),
                  let quote = MarketAnswer.identifier(row["quoteAsset"]) else { return nil }
            return MarketPair(market: symbol, base: asset(base), quote: asset(quote))
        })
    }

    /// A market's asset as Binance names it, through the Binance rules except the `LD…` fold: in the balance an
    /// `LD…` row is an Earn position of its base coin (§7.3), but a market's base is what `exchangeInfo` says.
    static func asset(_ raw: String) -> String {
        let normalized = AssetNormalizer.normalize(raw, on: .binance)
        return normalized.wallet == "earn-flexible" ? raw.uppercased() : normalized.asset
    }

    /// The quotes of a `ticker/price` answer (`[{symbol, price}]`) for symbols in `marketList`; other rows and
    /// rows whose price is not a decimal above zero are skipped. `bad_response` when the answer is not an array.
    static func quotes(from result: HTTPResult, marketList: [String: MarketPair]) throws -> [MarketQuote] {
        guard let rows = try MarketAnswer.json(result, exchange: .binance) as? [Any] else {
            throw ExchangeError(.badResponse, exchange: .binance, detail: "ticker is not an array")
        }
        return rows.compactMap { item in
            guard let row = item as? [String: Any], let symbol = MarketAnswer.identifier(row["symbol"]),
                  let pair = marketList[symbol], let price = MarketAnswer.price(row["price"]) else { return nil }
            return MarketQuote(market: symbol, base: pair.base, quote: pair.quote, price: price,
                               asOf: result.receivedAt, raw: MarketAnswer.raw(row))
        }
    }
}
