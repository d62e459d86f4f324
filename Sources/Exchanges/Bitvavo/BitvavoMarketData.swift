import Foundation

/// Bitvavo's keyless market data: the last trade price of every market in one `GET /v2/ticker/price` without a
/// `market` parameter, no key, no signature.
///
/// Facts (not in exchanges-okx-bybit-bitvavo.md, which covers balances only):
/// - The answer is an array `[{"market":"BTC-EUR","price":"3008.9"},…]` ("prices of the latest trades on Bitvavo
///   for all markets or a single market"). [Bitvavo docs `websocket-api/get-ticker-prices`, the twin of the REST
///   call; response example in bitvavo/python-bitvavo-api `README.md` "Get price ticker"]
/// - Weight 1 point, with or without a market. [Bitvavo docs `websocket-api/get-ticker-prices` "Rate limit
///   weight points: 1"; ccxt 4.5.90 `bitvavo.py` `'ticker/price': 1` (unlike `ticker/24h`, 25 for all)]
/// - Whether a market without any trade appears, and with what `price`: UNVERIFIED (not in the docs read). Such
///   a row, with `price` missing, `null`, empty or not a decimal > 0, is skipped.
///
/// Markets are `BASE-QUOTE` (exchanges-okx-bybit-bitvavo.md §C.7), so `needsMarketList` is false; a market
/// that does not split into exactly two parts is skipped. The answer carries no time: `asOf` is when it arrived.
/// Charged to the per-IP public pool (1,000 points per minute, §C.6), whose count the `bitvavo-ratelimit-*`
/// headers correct as for the balance client (`BitvavoRateHeaders`). Errors as the balance client maps them
/// (`BitvavoErrors`, §C.5): 101/HTTP 5xx `exchange_unavailable`, 110/105/HTTP 429 `rate_limited`, an answer that
/// is not an array `bad_response`.
public struct BitvavoMarketData: MarketDataClient {
    /// Where to send and whose budget to spend.
    public let configuration: ExchangeConfiguration

    /// `GET /v2/ticker/price`.
    static let tickerPricePath = "/v2/ticker/price"
    /// Its weight (docs, above).
    static let tickerPriceWeight = 1

    /// A reader sending through `configuration`.
    public init(configuration: ExchangeConfiguration) { self.configuration = configuration }

    public var exchange: ExchangeID { .bitvavo }
    /// False: markets are `BASE-QUOTE` (§C.7).
    public var needsMarketList: Bool { false }

    /// Bitvavo needs no market list: an empty one, without a request.
    public func pairs() async throws -> [MarketPair] { [] }

    /// One `ticker/price` request for every market; `marketList` is not used.
    public func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote] {
        let result = try await configuration.send(
            "GET", try ResponseSupport.url(configuration.baseURL(for: .bitvavo), path: Self.tickerPricePath),
            cost: configuration.cost(.bitvavoPublic, weight: Self.tickerPriceWeight))
        if let error = BitvavoErrors.classify(result) { throw error }
        return try Self.quotes(from: result, assets: assets)
    }

    /// The quotes in a `ticker/price` body (a success, already classified). Throws `bad_response` for a body that
    /// is not an array.
    static func quotes(from result: HTTPResult, assets: Set<String>) throws -> [MarketQuote] {
        let rows = try ResponseSupport.decode([JSONValue].self, from: result, exchange: .bitvavo)
        var collector = QuoteCollector(assets: assets)
        for row in rows {
            guard let market = TickerRow.id(row["market"]), collector.claim(market),
                  let (rawBase, rawQuote) = TickerRow.dashPair(market),
                  let base = TickerRow.asset(rawBase, on: .bitvavo),
                  let quote = TickerRow.asset(rawQuote, on: .bitvavo),
                  let price = TickerRow.price(row["price"]) else { continue }
            collector.add(MarketQuote(market: market, base: base, quote: quote, price: price,
                                      asOf: result.receivedAt, raw: TickerRow.raw(row)))
        }
        return collector.quotes
    }
}
