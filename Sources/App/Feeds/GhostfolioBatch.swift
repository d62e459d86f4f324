import Exchanges
import Foundation
import Store

/// One push of one connection to its Ghostfolio account: the activities and the cash balance that bring the
/// account from what was last pushed to what the connection holds now. Stored frozen (`ghostfolio_pushes.pending`)
/// before it is sent, so a retry sends the very same activities: Ghostfolio's import skips an activity equal to one
/// it already has (same account, comment, currency, data source, date to the second, fee, quantity, symbol, type
/// and unit price: `extendActivitiesWithErrors`, error `IS_DUPLICATE`, in apps/api/src/app/import/import.service.ts),
/// so a push that failed mid-way never doubles a position when retried. The comment carries the batch id and the
/// asset, a key no other activity has.
struct GhostfolioBatch: Codable, Sendable, Equatable {
    /// BUY or SELL (Ghostfolio's `Type` enum; the other types are never sent).
    enum Side: String, Codable, Sendable {
        case buy = "BUY"
        case sell = "SELL"
    }

    /// One activity.
    struct Activity: Codable, Sendable, Equatable {
        let asset: String
        let coinID: String
        let side: Side
        /// A positive canonical decimal string.
        let quantity: String
        let unitPrice: String
        let comment: String
    }

    let id: String
    /// ISO 8601 UTC, the date of every activity of the batch.
    let date: String
    let accountID: String
    /// The account name when the batch also creates the account (its first push), else nil.
    let createAccountNamed: String?
    /// The cash balance to set (USD), nil to leave it (unchanged, or unknown). A new account opens with it, or 0
    /// when unknown.
    let cash: String?
    let activities: [Activity]
    /// The quantity per asset once the batch is in: the next `pushed`.
    let targets: [String: String]

    /// Whether sending it would change nothing.
    var isEmpty: Bool { createAccountNamed == nil && cash == nil && activities.isEmpty }

    /// The batch from `pushed` (last pushed quantities) to `holdings`. An asset without a price keeps its pushed
    /// quantity (pushed once it has one); an asset pushed before and no longer held is sold off at its price.
    /// `date` is a stored timestamp (`Timestamp`), kept as text so the activities carry exactly that instant.
    static func make(id: String, date: String, accountID: String, createAccountNamed: String?, holdings: FeedHoldings,
                     pushed: [String: String], pushedCash: String?, prices: [String: String]) -> GhostfolioBatch {
        var activities: [Activity] = []
        var targets: [String: String] = [:]
        var seen: Set<String> = []
        func add(asset: String, coinID: String, from old: String, to new: String, price: String?) {
            guard let price, let delta = DecimalString.subtract(new, old) else {
                if !DecimalString.isZero(old) { targets[asset] = old }
                return
            }
            if !DecimalString.isZero(new) { targets[asset] = new }
            if DecimalString.isZero(delta) { return }
            let selling = delta.hasPrefix("-")
            activities.append(Activity(asset: asset, coinID: coinID, side: selling ? .sell : .buy,
                                       quantity: selling ? String(delta.dropFirst()) : delta, unitPrice: price,
                                       comment: "holdfast \(id) \(asset)"))
        }
        for position in holdings.positions {
            seen.insert(position.asset)
            add(asset: position.asset, coinID: position.coinID, from: pushed[position.asset] ?? "0",
                to: position.quantity, price: position.price)
        }
        for (asset, old) in pushed.sorted(by: { $0.key < $1.key }) where !seen.contains(asset) {
            guard case .coin(let coinID) = GhostfolioSymbols.kind(of: asset) else { continue }
            add(asset: asset, coinID: coinID, from: old, to: "0", price: prices[asset])
        }
        let cash = holdings.cashBalance
        // A new account needs a balance: an unknown cash balance opens it at 0 and is set once known (pushedCash
        // stays nil until then). An existing account's balance is sent only when it changed.
        let changed = cash.flatMap { value in pushedCash.flatMap { DecimalString.compare($0, value) } == 0 ? nil : value }
        return GhostfolioBatch(id: id, date: date, accountID: accountID,
                               createAccountNamed: createAccountNamed, cash: changed, activities: activities,
                               targets: targets)
    }
}
