import Foundation

/// One cached exchange market price, as the price book reads it: `price` units of `quote` buy one `base` on
/// `exchange`'s market `market`. The lead maps the `market_quotes` rows `QuoteStore` returns into these
/// (Migrations/0010_value_history.sql); the book refuses a row whose price is not a decimal greater than zero.
public struct PriceQuote: Sendable, Equatable {
    /// The exchange's id, as stored (`ExchangeID.rawValue`, e.g. "binance").
    public var exchange: String
    /// The exchange's own market id (`BTCUSDT`, `XXBTZUSD`, `BTC-USD`).
    public var market: String
    /// The canonical asset bought, e.g. "BTC".
    public var base: String
    /// The canonical asset paid, e.g. "USDT", "USD", "EUR".
    public var quote: String
    /// The last price, a decimal string greater than zero.
    public var price: String
    /// When the price was true: the exchange's time for it, else when it was received (`market_quotes.as_of`).
    public var asOf: Date

    public init(exchange: String, market: String, base: String, quote: String, price: String, asOf: Date) {
        self.exchange = exchange
        self.market = market
        self.base = base
        self.quote = quote
        self.price = price
        self.asOf = asOf
    }
}
