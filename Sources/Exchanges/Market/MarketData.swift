import Foundation

/// One exchange market's last price, read from the exchange's keyless public market data (exchanges.md §11,
/// exchanges-okx-bybit-bitvavo.md): `price` units of `quote` buy one `base`.
public struct MarketQuote: Sendable, Equatable, Codable {
    /// The exchange's own market id as its ticker names it (`BTCUSDT`, `XXBTZUSD`, `BTC-USD`).
    public var market: String
    /// The canonical asset bought (`AssetNormalizer`), e.g. `BTC`.
    public var base: String
    /// The canonical asset paid, e.g. `USDT`, `USD`, `EUR`.
    public var quote: String
    /// The last price, a canonical decimal string greater than zero (`DecimalString.canonical`).
    public var price: String
    /// The exchange's time for the quote when its answer gives one, else when the answer was received.
    public var asOf: Date
    /// The quote as the exchange sent it: that market's row of the answer, as compact JSON (at most 1 KiB).
    public var raw: String

    public init(market: String, base: String, quote: String, price: String, asOf: Date, raw: String) {
        self.market = market
        self.base = base
        self.quote = quote
        self.price = price
        self.asOf = asOf
        self.raw = raw
    }
}

/// One market of an exchange's market list: its id and its canonical base and quote assets.
public struct MarketPair: Sendable, Equatable, Hashable, Codable {
    public var market: String
    public var base: String
    public var quote: String

    public init(market: String, base: String, quote: String) {
        self.market = market
        self.base = base
        self.quote = quote
    }
}

/// Reads one exchange's public market data: no key, no signature, through the configuration's request budget.
///
/// A timer run makes one batched ticker request per exchange (`quotes`). Exchanges whose ticker names markets by
/// ids that cannot be split into assets (Binance, Kraken, Bybit) also need their market list (`pairs`), which
/// the caller keeps and reads again at most once a day.
public protocol MarketDataClient: Sendable {
    /// The exchange read.
    var exchange: ExchangeID { get }
    /// True when `quotes` needs the market list from `pairs()` to know each market's assets.
    var needsMarketList: Bool { get }
    /// The exchange's spot market list (Binance `exchangeInfo`, Kraken `AssetPairs`, Bybit `instruments-info`).
    /// Throws `ExchangeError` as the balance reads do.
    func pairs() async throws -> [MarketPair]
    /// The last price of every spot market whose base and quote are both in `assets` (canonical ids), from one
    /// batched request where the exchange offers one. `marketList` is the last `pairs()` by market id (empty for
    /// exchanges that do not need one); a ticker row of a market missing from it, or whose price is not a
    /// decimal greater than zero, is skipped, never guessed. Throws `ExchangeError` when the answer cannot be
    /// read at all.
    func quotes(for assets: Set<String>, marketList: [String: MarketPair]) async throws -> [MarketQuote]
}
