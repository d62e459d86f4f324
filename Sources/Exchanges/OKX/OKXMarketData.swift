import Foundation

/// OKX's keyless market data: every spot ticker in one `GET /api/v5/market/tickers?instType=SPOT`, no key, no
/// signature, on the default (global) host.
///
/// Facts (not in exchanges-okx-bybit-bitvavo.md, which covers balances only):
/// - Rate limit 20 requests per 2 seconds, rule IP; `instType` required (`SPOT`, `SWAP`, `FUTURES`, `OPTION`);
///   rows `{instType, instId, last, lastSz, askPx, …, ts}`, all strings, `ts` the ticker's generation time in ms.
///   [OKX docs `#order-book-trading-market-data-get-tickers`, read from the copy in rosssaunders/coincise
///   `docs/okx/endpoints/private/get_api_v5_market_tickers.md`]
/// - A spot `instId` is `BASE-QUOTE`: `baseCcy` is "e.g. `BTC` in `BTC-USDT`", `quoteCcy` "e.g. `USDT` in
///   `BTC-USDT`", both "only applicable to SPOT/MARGIN". [OKX docs `#public-data-rest-api-get-instruments`, same
///   copy, `get_api_v5_public_instruments.md`] So `needsMarketList` is false: a row whose `instType` is not
///   `SPOT`, or whose `instId` does not split into exactly two parts at `-` (`BTC-USD-SWAP`), is skipped.
///
/// The budget scope is the IP's for this endpoint alone (OKX limits each public endpoint separately per IP),
/// 20 per 2 s. Errors as the balance client maps them (`OKXErrors`, §A.6): 50001/HTTP 5xx `exchange_unavailable`,
/// 50011/HTTP 429 `rate_limited`, an answer without `data` `bad_response`. `asOf` is each row's `ts`, else the time
/// the answer arrived.
public struct OKXMarketData: MarketDataClient {
    /// Where to send and whose budget to spend.
    public let configuration: ExchangeConfiguration

    /// `GET /api/v5/market/tickers`.
    static let tickersPath = "/api/v5/market/tickers"
    /// Its only query: every spot instrument.
    static let tickersQuery = "instType=SPOT"
    /// 20 requests per 2 s per IP (docs, above).
    static let tickersPolicy = BudgetPolicy(limit: 20, refill: .window(milliseconds: 2_000))

    /// A reader sending through `configuration`.
    public init(configuration: ExchangeConfiguration) { self.configuration = configuration }

    public var exchange: ExchangeID { .okx }
    /// False: a spot `instId` names its assets.
    public var needsMarketList: Bool { false }

    /// OKX needs no market list: an empty one, without a request.
    public func pairs() async throws -> [MarketPair] { [] }

    /// One `tickers?instType=SPOT` request; `marketList` is not used.
    public func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        let baseURL = configuration.baseURL(for: .okx)
        let cost = RequestCost(pool: .okxPublic, scope: BudgetScope(
            .okxPublic, baseURL: baseURL, endpoint: Self.tickersPath, egress: configuration.egressID,
            policy: Self.tickersPolicy), weight: RequestWeight.okxRequest)
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(baseURL, path: Self.tickersPath, query: Self.tickersQuery), cost: cost)
        if let error = OKXErrors.classify(result) { throw error }
        return try Self.quotes(from: result, assets: assets)
    }

    /// `{"code":"0","msg":"","data":[…]}` after classification; rows untyped so one bad row is skipped alone.
    private struct Answer: Decodable {
        let data: [JSONValue]?
    }

    /// The quotes in a `tickers` body (a success, already classified). Throws `bad_response` for a body without
    /// a `data` array.
    static func quotes(from result: HTTPResult, assets: Set<String>) throws -> [MarketQuote] {
        guard let rows = try ResponseSupport.decode(Answer.self, from: result, exchange: .okx).data else {
            throw ExchangeError(.badResponse, exchange: .okx, detail: "tickers without data")
        }
        var collector = QuoteCollector(assets: assets)
        for row in rows {
            guard let market = TickerRow.id(row["instId"]), collector.claim(market),
                  row["instType"]?.string == "SPOT", let (rawBase, rawQuote) = TickerRow.dashPair(market),
                  let base = TickerRow.asset(rawBase, on: .okx), let quote = TickerRow.asset(rawQuote, on: .okx),
                  let price = TickerRow.price(row["last"]) else { continue }
            collector.add(MarketQuote(market: market, base: base, quote: quote, price: price,
                                      asOf: TickerRow.time(milliseconds: row["ts"]) ?? result.receivedAt,
                                      raw: TickerRow.raw(row)))
        }
        return collector.quotes
    }
}
