import Foundation

/// What a portfolio is worth in one currency at one instant (`Valuation.value`), the shape behind
/// `GET /portfolio`, the export, the statement and the value points (issue 13).
///
/// **Exact values, rounded display.** Every `value` is exact: quantity × unit price, and sums of those. Every
/// `display` is that value rounded half-even at the currency's `displayFractionDigits`
/// (`DecimalString.fixed`): "1234.50" USD, "163" JPY, "0.01234568" BTC. Totals and subtotals add the exact
/// values, never the rounded ones, so a total's display can differ from the sum of the displayed lines by a few
/// units of the last digit.
public struct PortfolioValuation: Sendable, Equatable {
    /// The valuation currency.
    public var currency: ValuationCurrency
    /// The instant valued (the caller's `now`).
    public var valuedAt: Date
    /// The oldest `asOf` among the valued holdings: what the total is as of. Nil when nothing has a market leg.
    public var asOf: Date?
    /// Sum of every priced and stale value, exact; nil when nothing could be valued (never 0 for unknown).
    public var total: String?
    /// `total` for display.
    public var totalDisplay: String?
    /// How much of the portfolio the total leaves out or values with old prices.
    public var completeness: Completeness
    /// Per asset, summed over connections: by value, largest first, then unvalued ones, ties by asset id.
    public var assets: [AssetValuation]
    /// Per holding row, in the order given.
    public var holdings: [HoldingValuation]
    /// Per exchange, by exchange id.
    public var exchanges: [ExchangeSubtotal]
    /// Per connection, by connection id.
    public var connections: [ConnectionSubtotal]

    /// Assets whose status is `priced`.
    public var pricedCount: Int { completeness.pricedCount }
    /// Assets whose status is `stale`.
    public var staleCount: Int { completeness.staleCount }
    /// Assets whose status is `unpriced`.
    public var unpricedCount: Int { completeness.unpricedCount }
}

/// How complete a total is. Counts are of assets (an asset held on three connections counts once, with the
/// worst status of its rows).
public struct Completeness: Sendable, Equatable {
    /// True when every asset is `priced`: nothing left out, nothing stale.
    public var complete: Bool
    /// Assets valued through fresh quotes.
    public var pricedCount: Int
    /// Assets valued through a quote older than the stale limit (their value is in the total).
    public var staleCount: Int
    /// Assets with no value (not in the total).
    public var unpricedCount: Int
    /// Percent of the total that stale rows contribute, half-even at 2 decimals ("12.5" = 12.5 %); nil when
    /// the total is nil or zero.
    public var stalePercent: String?
}

/// One asset over all connections.
public struct AssetValuation: Sendable, Equatable {
    /// The canonical asset id.
    public var asset: String
    /// Sum of its rows' quantities (rows whose quantity is negative or not a decimal left out).
    public var quantity: String
    /// Units of currency per unit: the rows' common price, or — when rows on different exchanges took different
    /// paths — value ÷ valued quantity, half-even at 18 decimals. Nil when no row was valued.
    public var unitPrice: String?
    /// Sum of its valued rows' values, exact; nil when none was valued.
    public var value: String?
    /// `value` for display.
    public var display: String?
    /// The worst status of its rows (`PriceStatus`: unpriced, then stale, then priced).
    public var status: PriceStatus
    /// Percent of the portfolio's total, half-even at 2 decimals; nil when its value or the total is nil or
    /// the total is zero. Shares add to 100 within rounding.
    public var share: String?
    /// The distinct `UnitPrice.source`s of its valued rows, sorted, joined by "; "; nil when none was valued.
    public var source: String?
    /// The path of the rows' common price (["SOL", "USDT", "USD"]); empty when rows differ or none was valued.
    public var path: [String]
    /// The oldest `asOf` of its valued rows.
    public var asOf: Date?
    /// Why rows went unvalued ("no market path from XYZ to USD", "quantity is not a decimal ≥ 0: …").
    public var notes: [String]
}

/// One connection's holding of one asset.
public struct HoldingValuation: Sendable, Equatable {
    /// The holding as given.
    public var holding: HoldingPosition
    /// Its unit price and path; nil when unpriced.
    public var price: UnitPrice?
    /// Quantity × unit price, exact; nil when unpriced.
    public var value: String?
    /// `value` for display.
    public var display: String?
    /// `priced`, `stale` or `unpriced`.
    public var status: PriceStatus
    /// Why it is unpriced, when it is.
    public var note: String?
    /// Each wallet's amount valued at the same unit price, in the order given.
    public var wallets: [WalletValuation]
}

/// One wallet's part of a holding.
public struct WalletValuation: Sendable, Equatable {
    /// The wallet's name.
    public var wallet: String
    /// Its amount as given.
    public var amount: String
    /// Amount × the holding's unit price, exact; nil when the holding is unpriced or the amount is not a
    /// decimal ≥ 0.
    public var value: String?
    /// `value` for display.
    public var display: String?
}

/// A group's value: the sum of its valued rows, and how many of its rows were priced, stale and unpriced.
public struct ValueSubtotal: Sendable, Equatable {
    /// Sum of the group's priced and stale values, exact; nil when none was valued.
    public var value: String?
    /// `value` for display.
    public var display: String?
    /// Rows (holdings, or wallet amounts for a wallet) priced.
    public var pricedCount: Int
    /// Rows valued with a stale price.
    public var staleCount: Int
    /// Rows with no value.
    public var unpricedCount: Int
}

/// One exchange's subtotal over all its connections.
public struct ExchangeSubtotal: Sendable, Equatable {
    /// The exchange id.
    public var exchange: String
    /// Its subtotal (counts are of its connections' holding rows).
    public var subtotal: ValueSubtotal
}

/// One connection's subtotal, with its wallets' when it has more than one.
public struct ConnectionSubtotal: Sendable, Equatable {
    /// The connection id.
    public var connectionID: String
    /// Its exchange id.
    public var exchange: String
    /// Its subtotal (counts are of its holding rows).
    public var subtotal: ValueSubtotal
    /// Per wallet, by name, when the connection's holdings name two or more wallets; else empty.
    public var wallets: [WalletSubtotal]
}

/// One wallet's subtotal within a connection.
public struct WalletSubtotal: Sendable, Equatable {
    /// The wallet's name.
    public var wallet: String
    /// Its subtotal (counts are of its wallet amounts).
    public var subtotal: ValueSubtotal
}
