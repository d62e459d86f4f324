import Exchanges
import Foundation
import Store

/// What a user held and what it was worth at one instant (issue 13, "Statement as of any instant", e.g. a
/// year-end tax snapshot): per connection and asset, the quantity of the snapshot in effect then and its value
/// in `currency` from the asset prices recorded then. Built from history only (`SnapshotStore`,
/// `QuoteStore.price(of:in:at:)`), never from today's holdings or quotes.
///
/// A connection appears when it had a snapshot at or before the instant (the latest such; an instant between two
/// snapshots uses the earlier one); one first synced later is absent. A connection deleted since is listed under
/// its exchange followed by " (deleted)". An asset whose price the history does not have is `unpriced`: its
/// quantity is shown, its value is nil, never 0.
struct PortfolioStatement: Sendable, Equatable {
    /// Whether a line has a value.
    enum Status: String, Sendable, Codable {
        /// The history had the asset's price at the instant: `unitPrice` and `value` are set.
        case priced
        /// It did not: `unitPrice` and `value` are nil.
        case unpriced
    }

    /// One asset of one connection. Amounts are canonical decimal text; `value` = `quantity` × `unitPrice`,
    /// exact (not rounded: rounding is for display). `priceSource` and `pricedAt` say which recorded price it
    /// came from.
    struct Line: Sendable, Equatable {
        let asset: String
        let quantity: String
        let unitPrice: String?
        let value: String?
        let status: Status
        let priceSource: String?
        let pricedAt: Date?
    }

    /// One connection as of the instant: `label` is its label now, its exchange when it has none, or its
    /// exchange and " (deleted)" once it is gone; `snapshotAt` is when the quantities were taken.
    struct ConnectionPart: Sendable, Equatable {
        let connectionID: String
        let exchange: String
        let label: String
        let snapshotAt: Date
        let lines: [Line]
    }

    /// The instant the statement is as of.
    let at: Date
    /// The valuation currency of every value.
    let currency: String
    /// The connections in effect, by exchange and connection id; lines by asset.
    let connections: [ConnectionPart]

    /// The statement of `userID` as of `instant`, valued in `currency` (the user's `users.currency`, which the
    /// caller reads: that table is `UserStore`'s). Run it in one `database.read` so every part comes from one
    /// snapshot. One query for the snapshots, then one indexed price lookup per distinct asset.
    static func make(forUser userID: String, at instant: Date, currency: String,
                     in db: Connection) throws -> PortfolioStatement {
        let inEffect = try SnapshotStore.inEffect(forUser: userID, at: instant, in: db)
        let assets = Set(inEffect.flatMap { $0.snapshot.balances.map(\.asset) })
        var prices: [String: QuoteStore.AssetPrice] = [:]
        for asset in assets.sorted() {
            prices[asset] = try QuoteStore.price(of: asset, in: currency, at: instant, in: db)
        }
        let connections = inEffect.map { part in
            let snapshot = part.snapshot
            let label = part.exists ? (part.label ?? snapshot.exchange) : snapshot.exchange + " (deleted)"
            let lines = snapshot.balances.sorted { $0.asset < $1.asset }.map { balance in
                line(balance, price: prices[balance.asset])
            }
            return ConnectionPart(connectionID: snapshot.connectionID, exchange: snapshot.exchange, label: label,
                                  snapshotAt: snapshot.takenAt, lines: lines)
        }
        return PortfolioStatement(at: instant, currency: currency, connections: connections)
    }

    /// One line: priced when a price is known and the product is a decimal in `DecimalString`'s range (more than
    /// 64 digits after the point is out of it), else unpriced.
    private static func line(_ balance: SnapshotStore.Amount, price: QuoteStore.AssetPrice?) -> Line {
        guard let price, let value = DecimalString.multiply(balance.amount, price.price) else {
            return Line(asset: balance.asset, quantity: balance.amount, unitPrice: nil, value: nil, status: .unpriced,
                        priceSource: nil, pricedAt: nil)
        }
        return Line(asset: balance.asset, quantity: balance.amount, unitPrice: price.price, value: value, status: .priced,
                    priceSource: price.source, pricedAt: price.at)
    }
}
