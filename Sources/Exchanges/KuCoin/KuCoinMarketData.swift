import Foundation

/// KuCoin's keyless market data (exchanges.md §11.4): every spot ticker in one `GET /api/v1/market/allTickers`,
/// weight 15 in the per-IP Public pool, no key and no signature.
///
/// The answer is `{"code":"200000","data":{"time":<ms>,"ticker":[{symbol,symbolName,…,last,…}]}}`. The market is
/// the row's `symbol`; its assets come from `symbolName` split at its one `-`, KuCoin's `BASE-QUOTE` form (the
/// name is the one to use after a renaming, §11.4). Splitting is safe on KuCoin because a spot symbol is always
/// base code, `-`, quote code (`BTC-USDT`, §11.4; KuCoin's market list gives `XLM-USDT` as baseCurrency XLM and
/// quoteCurrency USDT), and only a name with exactly one dash is split: were an asset code ever to contain a
/// dash, its name would have two and be skipped, never split wrongly. `last` is `null` for a market without
/// trades: skipped. `asOf` is `data.time`.
///
/// Errors as the balance client maps them (`KuCoinErrors`, exchanges.md §4.3, §9.4): an outage (`500000`,
/// `503000`, HTTP 5xx) is `exchange_unavailable`, `429000` is `rate_limited`, an answer without `code`, `data`
/// or `data.ticker` is `bad_response`.
public struct KuCoinMarketData: MarketDataClient {
    /// Where to send and whose budget to spend (the default region's base URL).
    public let configuration: ExchangeConfiguration

    /// `GET /api/v1/market/allTickers` (§11.4).
    static let allTickersPath = "/api/v1/market/allTickers"
    /// Its weight in the Public pool (§11.4).
    static let allTickersWeight = 15

    /// A reader sending through `configuration`.
    public init(configuration: ExchangeConfiguration) { self.configuration = configuration }

    public var exchange: ExchangeID { .kucoin }
    /// False: every ticker row names its assets (`symbolName`).
    public var needsMarketList: Bool { false }

    /// KuCoin needs no market list: an empty one, without a request.
    public func pairs() async throws -> [MarketPair] { [] }

    /// One `allTickers` request; `marketList` is not used (KuCoin's rows name their assets).
    public func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .kucoin), path: Self.allTickersPath),
            cost: configuration.cost(.kucoinPublic, weight: Self.allTickersWeight))
        if let error = KuCoinErrors.classify(result) { throw error }
        return try Self.quotes(from: result, assets: assets)
    }

    /// `{"code":…,"data":{"time":…,"ticker":[…]}}`; rows stay untyped so one bad row is skipped alone.
    private struct Answer: Decodable {
        let code: String?
        let data: Payload?
        struct Payload: Decodable {
            let time: JSONValue?
            let ticker: [JSONValue]?
        }
    }

    /// The quotes in an `allTickers` body (a success, already classified). Throws `bad_response` for a body that
    /// is not the documented envelope.
    static func quotes(from result: HTTPResult, assets: Set<String>) throws -> [MarketQuote] {
        let answer = try ResponseSupport.decode(Answer.self, from: result, exchange: .kucoin)
        guard answer.code != nil, let rows = answer.data?.ticker else {
            throw ExchangeError(.badResponse, exchange: .kucoin, detail: "allTickers without data.ticker")
        }
        let asOf = TickerRow.time(milliseconds: answer.data?.time) ?? result.receivedAt
        var collector = QuoteCollector(assets: assets)
        for row in rows {
            guard let market = TickerRow.id(row["symbol"]), collector.claim(market),
                  let name = TickerRow.id(row["symbolName"]), let (rawBase, rawQuote) = TickerRow.dashPair(name),
                  let base = TickerRow.asset(rawBase, on: .kucoin), let quote = TickerRow.asset(rawQuote, on: .kucoin),
                  let price = TickerRow.price(row["last"]) else { continue }
            collector.add(MarketQuote(market: market, base: base, quote: quote, price: price, asOf: asOf,
                                      raw: TickerRow.raw(row)))
        }
        return collector.quotes
    }
}
