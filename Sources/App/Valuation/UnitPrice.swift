import Foundation

/// One step of a conversion path: `rate` units of `to` for one `from`, read from one exchange market.
public struct PriceLeg: Sendable, Equatable {
    /// The exchange quoting the market (`ExchangeID.rawValue`).
    public var exchange: String
    /// The exchange's market id.
    public var market: String
    /// The asset converted from.
    public var from: String
    /// The asset converted to.
    public var to: String
    /// True when the market is `to`/`from` and the leg uses 1 / price (`PriceBook.inverseRate`).
    public var inverse: Bool
    /// Units of `to` per one `from`, a canonical decimal string: the market's price, or its inverse.
    public var rate: String
    /// The quote's `asOf`.
    public var asOf: Date

    /// "exchange:market", prefixed "1/" for an inverse leg: "binance:SOLUSDT", "1/kraken:XXBTZUSD".
    public var label: String { (inverse ? "1/" : "") + exchange + ":" + market }
}

/// An asset's price in a valuation currency, with how it was found (the conversion rule of `PriceBook`).
public struct UnitPrice: Sendable, Equatable {
    /// Units of the currency for one unit of the asset: the product of the legs' rates (see `PriceBook`).
    public var price: String
    /// The oldest leg's `asOf`; nil for the currency itself (no leg: always current).
    public var asOf: Date?
    /// The legs, from the asset to the currency; empty when the asset is the currency.
    public var legs: [PriceLeg]

    /// The assets along the path, e.g. ["SOL", "USDT", "USD"]; empty when the asset is the currency.
    public var path: [String] {
        guard let first = legs.first else { return [] }
        return [first.from] + legs.map(\.to)
    }

    /// The legs' labels joined by " × " ("binance:SOLUSDT × kraken:USDTZUSD"), or "identity" for the currency
    /// itself: what `asset_prices.source` and the API's `source` record.
    public var source: String {
        legs.isEmpty ? "identity" : legs.map(\.label).joined(separator: " × ")
    }
}
