import Exchanges
import Foundation

/// What one connection holds, as the feeds see it (pure: holdings and a price book in, no database): each coin
/// Ghostfolio can price with its quantity and USD unit price, the cash (fiat and stablecoins) valued in USD, and
/// the assets left out. Ghostfolio's and Wealthfolio's crypto prices are USD (see `GhostfolioSymbols`), so the
/// feeds use USD whatever the user's valuation currency; the prices are Holdfast's own (`PriceBook`'s rule,
/// preferring the connection's exchange), so the feeds agree with `GET /portfolio`.
struct FeedHoldings: Sendable, Equatable {
    /// The currency of every price and of the cash balance.
    static let currency = "USD"
    /// Decimals of a unit price sent to Ghostfolio and Wealthfolio.
    static let priceFractionDigits = 8
    /// Decimals of the cash balance.
    static let cashFractionDigits = 2

    /// One coin position.
    struct Position: Sendable, Equatable {
        /// Holdfast's asset id ("BTC").
        let asset: String
        /// Ghostfolio's CoinGecko id ("bitcoin").
        let coinID: String
        /// A canonical decimal string.
        let quantity: String
        /// USD per unit, rounded to `priceFractionDigits`; nil when Holdfast has no price for it.
        let price: String?
    }

    /// One cash asset.
    struct Cash: Sendable, Equatable {
        let asset: String
        let quantity: String
        /// Its USD value; nil when unpriced.
        let value: String?
    }

    let connectionID: String
    let exchange: String
    let positions: [Position]
    let cash: [Cash]
    /// Assets with no Ghostfolio data source, left out.
    let unmapped: [String]

    /// The USD cash balance (sum of the cash values, rounded to cents); nil when any cash asset is unpriced (an
    /// unknown part makes the sum unknown, never a smaller number).
    var cashBalance: String? {
        var values: [String] = []
        for item in cash {
            guard let value = item.value else { return nil }
            values.append(value)
        }
        return DecimalString.sum(values).flatMap { DecimalString.fixed($0, fractionDigits: Self.cashFractionDigits) }
    }

    /// The feed view of each connection in `holdings` (one `HoldingPosition` per connection and asset), in the
    /// order of `connectionIDs`; a zero quantity is no position.
    static func build(holdings: [HoldingPosition], connectionIDs: [(id: String, exchange: String)],
                      book: PriceBook) -> [FeedHoldings] {
        let byConnection = Dictionary(grouping: holdings, by: \.connectionID)
        return connectionIDs.map { connection in
            var positions: [Position] = []
            var cash: [Cash] = []
            var unmapped: [String] = []
            for holding in (byConnection[connection.id] ?? []).sorted(by: { $0.asset < $1.asset }) {
                guard let quantity = DecimalString.canonical(holding.quantity), !quantity.hasPrefix("-"),
                      quantity != "0" else { continue }
                let unit = book.unitPrice(of: holding.asset, in: .usd, preferring: holding.exchange)
                switch GhostfolioSymbols.kind(of: holding.asset) {
                case .coin(let id):
                    positions.append(Position(asset: holding.asset, coinID: id, quantity: quantity,
                                              price: unit.flatMap { DecimalString.rounded($0.price, fractionDigits: priceFractionDigits) }))
                case .cash:
                    cash.append(Cash(asset: holding.asset, quantity: quantity,
                                     value: unit.flatMap { DecimalString.multiply(quantity, $0.price) }))
                case .unmapped:
                    unmapped.append(holding.asset)
                }
            }
            return FeedHoldings(connectionID: connection.id, exchange: connection.exchange, positions: positions,
                                cash: cash, unmapped: unmapped)
        }
    }
}
