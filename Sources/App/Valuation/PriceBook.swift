import Exchanges
import Foundation

/// The cached exchange prices as a graph of assets, and the one rule that converts an asset into a valuation
/// currency (issue 13 "Prices"). Immutable and `Sendable`: build it once per set of quotes and share it.
///
/// **Graph.** A market base/quote at `price` gives two edges: base → quote at `price` (exact), and quote → base
/// at 1 / price, rounded half-even at `max(18, 17 + digits of price before the point)` digits after the point —
/// at least 18 significant digits (`inverseRate`). Quotes whose price is not a decimal greater than zero, or
/// whose base equals their quote, are left out (`skipped`).
///
/// **Conversion rule** (recorded with every value as `UnitPrice.legs`/`source`). To value asset A in currency C:
/// 1. A == C: the price is 1, with no legs.
/// 2. Else the path with the fewest legs, at most three, whose intermediate assets are only the bridges
///    USD, USDT, USDC and BTC (each at most once, never A or C). Fiat crosses (EUR/USD, USD/JPY) are legs like
///    any market, in either direction. A stablecoin is never taken as equal to a fiat: USDT → USD needs a
///    USDT/USD or USD/USDT market.
/// 3. Among paths of that length, the first by: (a) more legs quoted on the holding's exchange; (b) the
///    intermediate assets in bridge order USD, USDT, USDC, BTC (compared position by position); (c) the freshest
///    oldest leg (later `asOf` first); (d) the legs' exchange ids, then market ids, ascending; (e) a direct leg
///    before an inverse one. So the choice never depends on the order quotes were read.
/// 4. No such path: unpriced.
/// The price is the product of the legs' rates — exact when every leg is direct — rounded half-even at
/// `unitPriceFractionDigits` only when it has more digits than that (direct legs with at most 12 fraction digits
/// each never do), so that quantity × price stays inside `DecimalString`'s range. Its `asOf` is the oldest leg's.
public struct PriceBook: Sendable {
    /// The bridges a path may pass through, in tie-breaking order (rule 3b).
    public static let bridges = ["USD", "USDT", "USDC", "BTC"]
    /// Most legs in a path (rule 2).
    public static let maxLegs = 3
    /// Significant digits an inverse rate keeps, at the least.
    public static let inverseSignificantDigits = 18
    /// Digits after the point a path's price keeps when the exact product has more.
    public static let unitPriceFractionDigits = 36

    /// One direction of one market: from an asset to `quotes[quote]`'s other asset.
    struct Edge: Sendable, Hashable {
        let quote: Int
        let inverse: Bool
    }

    /// The usable quotes, in input order.
    let quotes: [PriceQuote]
    /// Edges by their from-asset, then their to-asset: a path search looks up only the pairs it needs, never
    /// every market.
    let edges: [String: [String: [Edge]]]
    /// Quotes left out: a price that is not a decimal greater than zero, an empty asset, or base == quote.
    public let skipped: Int

    /// The book of `quotes`. Cost: one decimal parse per quote; nothing is divided until a path needs it.
    public init(quotes: [PriceQuote]) {
        var usable: [PriceQuote] = []
        usable.reserveCapacity(quotes.count)
        var edges: [String: [String: [Edge]]] = [:]
        var skipped = 0
        for var quote in quotes {
            guard !quote.base.isEmpty, !quote.quote.isEmpty, quote.base != quote.quote,
                  let price = DecimalString.canonical(quote.price), price != "0", !price.hasPrefix("-") else {
                skipped += 1
                continue
            }
            quote.price = price
            let index = usable.count
            usable.append(quote)
            edges[quote.base, default: [:]][quote.quote, default: []].append(Edge(quote: index, inverse: false))
            edges[quote.quote, default: [:]][quote.base, default: []].append(Edge(quote: index, inverse: true))
        }
        self.quotes = usable
        self.edges = edges
        self.skipped = skipped
    }

    /// Number of usable quotes.
    public var count: Int { quotes.count }

    /// The edges from `from` to `to` (empty when none).
    func edges(from: String, to: String) -> [Edge] { edges[from]?[to] ?? [] }

    /// 1 / `price` at `max(18, 17 + digits before the point)` digits after the point, so at least
    /// `inverseSignificantDigits` significant digits; nil only if `price` is not a positive decimal in range.
    public static func inverseRate(of price: String) -> String? {
        let unsigned = price.hasPrefix("+") ? String(price.dropFirst()) : price
        let integerDigits = unsigned.split(separator: ".", omittingEmptySubsequences: false).first?.count ?? 1
        let digits = min(DecimalString.maxFractionDigits,
                         max(inverseSignificantDigits, inverseSignificantDigits - 1 + integerDigits))
        return DecimalString.divide("1", price, fractionDigits: digits)
    }
}
