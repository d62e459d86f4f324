import Foundation

/// Kraken's keyless market data (exchanges.md §11.2): the pair list from `GET /0/public/AssetPairs` and every
/// tradable pair's ticker at once from `GET /0/public/Ticker`, each one call of the per-IP public allowance
/// (`BudgetPool.krakenPublic`). Errors come inside `{"error":[…]}` with HTTP 200 and are mapped by `KrakenErrors`.
///
/// Ticker keys are pair ids (`XXBTZUSD`) whose parts cannot be split reliably, so `quotes` needs the market list.
struct KrakenMarketData: MarketDataClient {
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .kraken }
    var needsMarketList: Bool { true }

    /// Every pair of `AssetPairs` with its `base`/`quote` asset ids made canonical through the Kraken asset rules
    /// (§3.6, §8.2: `XXBT` → `BTC`, `ZUSD` → `USD`); a pair whose `status` is present and not `online`, or whose
    /// asset is no holding (fee credits), is skipped. Sorted by pair id.
    func pairs() async throws -> [MarketPair] {
        try Self.pairs(from: try await get("/0/public/AssetPairs"))
    }

    /// The last trade price (`c[0]`) of every pair in `marketList` whose assets are both in `assets`, from one
    /// request. `asOf` is when the answer arrived: the ticker carries no time (§11.2).
    func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        MarketAnswer.filtered(try Self.quotes(from: try await get("/0/public/Ticker"), marketList: marketList),
                              assets: assets)
    }

    private func get(_ path: String) async throws -> HTTPResult {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .kraken), path: path),
            cost: configuration.cost(.krakenPublic, weight: 1))
        if let error = KrakenErrors.classify(result) { throw error }
        return result
    }

    /// The `result` object of a Kraken answer, or `bad_response`.
    private static func result(_ result: HTTPResult, what: String) throws -> [String: Any] {
        guard let body = try MarketAnswer.json(result, exchange: .kraken) as? [String: Any],
              let rows = body["result"] as? [String: Any] else {
            throw ExchangeError(.badResponse, exchange: .kraken, detail: "\(what) without result")
        }
        return rows
    }

    /// The pairs of an `AssetPairs` answer.
    static func pairs(from answer: HTTPResult) throws -> [MarketPair] {
        try result(answer, what: "AssetPairs").sorted { $0.key < $1.key }.compactMap { id, value in
            guard MarketAnswer.identifier(id) != nil, let row = value as? [String: Any],
                  let base = MarketAnswer.identifier(row["base"]), let quote = MarketAnswer.identifier(row["quote"])
            else { return nil }
            if let status = row["status"], status as? String != "online" { return nil }
            let (b, q) = (AssetNormalizer.normalize(base, on: .kraken), AssetNormalizer.normalize(quote, on: .kraken))
            guard b.isHolding, q.isHolding else { return nil }
            return MarketPair(market: id, base: b.asset, quote: q.asset)
        }
    }

    /// The quotes of a `Ticker` answer for pairs in `marketList`, sorted by pair id; a row without a decimal
    /// `c[0]` above zero is skipped.
    static func quotes(from answer: HTTPResult, marketList: [String: MarketPair]) throws -> [MarketQuote] {
        try result(answer, what: "Ticker").sorted { $0.key < $1.key }.compactMap { id, value in
            guard let pair = marketList[id], let row = value as? [String: Any], let last = row["c"] as? [Any],
                  let price = MarketAnswer.price(last.first) else { return nil }
            return MarketQuote(market: id, base: pair.base, quote: pair.quote, price: price,
                               asOf: answer.receivedAt, raw: MarketAnswer.raw(row))
        }
    }
}
