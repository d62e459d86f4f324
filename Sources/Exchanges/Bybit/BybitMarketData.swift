import Foundation

/// Bybit v5's keyless market data, on the default (global) host, no key, no signature.
///
/// - `pairs()`: `GET /v5/market/instruments-info?category=spot` → `result.list[{symbol, baseCoin, quoteCoin,
///   status, …}]`. For spot, status is `Trading` only and "Spot does not support pagination, so `limit`, `cursor`
///   are invalid": one request is the whole list, so no cursor is followed. [Bybit docs `docs/v5/market/
///   instrument.mdx`, bybit-exchange/docs @ 848282d] A row whose status is not `Trading` is left out.
/// - `quotes`: `GET /v5/market/tickers?category=spot` → `result.list[{symbol, lastPrice, …}]` and the envelope's
///   `time` (ms), which is `asOf`. [Bybit docs `docs/v5/market/tickers.mdx`, bybit-exchange/docs @ 013aa2a]
///   Symbols such as `BTCUSDT` cannot be split, so `needsMarketList` is true and a ticker row of a symbol missing
///   from `marketList` is skipped.
///
/// Public market calls count only against the IP limit, 600 requests per 5 s across every Bybit host
/// (exchanges-okx-bybit-bitvavo.md §B.7; `BybitEndpoint.ipCost`). Errors as the balance client maps them
/// (`BybitErrors`, §B.6): 10016/HTTP 5xx `exchange_unavailable`, 10006 and the IP 403 `rate_limited` (the pause is
/// noted in the IP scope, as `BybitClient` does), an answer without `retCode` or `result.list` `bad_response`.
public struct BybitMarketData: MarketDataClient {
    /// Where to send and whose budget to spend.
    public let configuration: ExchangeConfiguration

    /// `GET /v5/market/instruments-info` (spot: the whole list in one answer).
    static let instrumentsPath = "/v5/market/instruments-info"
    /// `GET /v5/market/tickers`.
    static let tickersPath = "/v5/market/tickers"
    /// The query of both calls.
    static let spotQuery = "category=spot"

    /// A reader sending through `configuration`.
    public init(configuration: ExchangeConfiguration) { self.configuration = configuration }

    public var exchange: ExchangeID { .bybit }
    /// True: a ticker symbol (`BTCUSDT`) does not say where its base ends.
    public var needsMarketList: Bool { true }

    /// Every spot market with status `Trading`, canonical assets (`AssetNormalizer`), first row per symbol; rows
    /// without a usable symbol, base or quote are skipped.
    public func pairs() async throws -> [MarketPair] {
        try Self.pairs(from: try await get(Self.instrumentsPath))
    }

    /// One `tickers?category=spot` request, read against `marketList`.
    public func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        try Self.quotes(from: try await get(Self.tickersPath), assets: assets, marketList: marketList)
    }

    /// Sends one public GET through the IP budget and classifies the answer.
    private func get(_ path: String) async throws -> HTTPResult {
        let cost = BybitEndpoint.ipCost(in: configuration)
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .bybit), path: path, query: Self.spotQuery),
            cost: cost)
        if let error = BybitErrors.classify(result) {
            // 10006 and the IP 403 arrive without HTTP 429, so `send` did not note them: the next run must wait.
            if error.code == .rateLimited, let seconds = error.retryAfter {
                try? await configuration.budget.record(BudgetFeedback(blockedForSeconds: seconds), in: cost.scope,
                                                       at: Date())
            }
            throw error
        }
        return result
    }

    /// `{"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[…]},"time":…}`.
    private struct Answer: Decodable {
        let retCode: Int?
        let result: Result?
        let time: JSONValue?
        struct Result: Decodable { let list: [JSONValue]? }
    }

    /// The rows of a classified success; `bad_response` without `retCode` or `result.list`.
    private static func rows(_ result: HTTPResult) throws -> (rows: [JSONValue], time: JSONValue?) {
        let answer = try ResponseSupport.decode(Answer.self, from: result, exchange: .bybit)
        guard answer.retCode != nil, let list = answer.result?.list else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "market answer without result.list")
        }
        return (list, answer.time)
    }

    /// The spot market list in an `instruments-info` body.
    static func pairs(from result: HTTPResult) throws -> [MarketPair] {
        var pairs: [MarketPair] = []
        var seen: Set<String> = []
        for row in try rows(result).rows {
            guard let market = TickerRow.id(row["symbol"]), seen.insert(market).inserted,
                  row["status"]?.string == "Trading",
                  let rawBase = TickerRow.id(row["baseCoin"]), let rawQuote = TickerRow.id(row["quoteCoin"]),
                  let base = TickerRow.asset(rawBase, on: .bybit), let quote = TickerRow.asset(rawQuote, on: .bybit)
            else { continue }
            pairs.append(MarketPair(market: market, base: base, quote: quote))
        }
        return pairs
    }

    /// The quotes in a `tickers` body, assets from `marketList`.
    static func quotes(from result: HTTPResult, assets: Set<String>, marketList: [String: MarketPair]) throws
        -> [MarketQuote] {
        let (rows, time) = try rows(result)
        let asOf = TickerRow.time(milliseconds: time) ?? result.receivedAt
        var collector = QuoteCollector(assets: assets)
        for row in rows {
            guard let market = TickerRow.id(row["symbol"]), collector.claim(market),
                  let pair = marketList[market], let price = TickerRow.price(row["lastPrice"]) else { continue }
            collector.add(MarketQuote(market: market, base: pair.base, quote: pair.quote, price: price, asOf: asOf,
                                      raw: TickerRow.raw(row)))
        }
        return collector.quotes
    }
}
