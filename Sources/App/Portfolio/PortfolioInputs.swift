import Foundation
import Store

/// Everything one user's valuation needs from the database but the quotes, read in one transaction so the
/// holdings, the connections and the currency belong to one commit: the valuation currency, the connections
/// (for subtotals and completeness), every holding with its wallets, and each exchange's market data reads.
struct PortfolioInputs: Sendable {
    let userID: String
    let currency: ValuationCurrency
    /// The user's connections, oldest first.
    let connections: [ConnectionRecord]
    /// One position per connection and asset, with its wallets.
    let holdings: [HoldingPosition]
    /// Each exchange's market data reads, by exchange id.
    let fetches: [String: QuoteStore.Fetch]

    /// Reads the inputs of `userID`. Call inside `database.read`. A caller that has already read the
    /// connections, the currency or the fetches in the same transaction passes them in.
    static func read(forUser userID: String, in db: Connection, now: Date = Date(), connections: [ConnectionRecord]? = nil,
                     currency: String?? = nil, fetches: [String: QuoteStore.Fetch]? = nil) throws -> PortfolioInputs {
        let code = try currency ?? UserStore.currency(ofUser: userID, in: db)
        let records = try connections ?? ConnectionStore.all(userID: userID, in: db, now: now)
        let portfolios = try HoldingStore.portfolios(ofUser: userID, in: db)
        let stored = try HoldingStore.holdings(ofUser: userID, in: db)
        return PortfolioInputs(userID: userID, currency: code.flatMap(ValuationCurrency.init(code:)) ?? .default,
                               connections: records, holdings: positions(stored, portfolios: portfolios),
                               fetches: try fetches ?? QuoteStore.fetches(in: db))
    }

    /// Holdings as valuation positions: a portfolio's connection and exchange (a portfolio no connection owns
    /// stands for itself, on no exchange).
    static func positions(_ holdings: [HoldingStore.Holding], portfolios: [HoldingStore.Portfolio]) -> [HoldingPosition] {
        let byID = Dictionary(portfolios.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return holdings.map { holding in
            let portfolio = byID[holding.portfolioID]
            return HoldingPosition(connectionID: portfolio?.connectionID ?? holding.portfolioID,
                                   exchange: portfolio?.exchange ?? "", asset: holding.asset, quantity: holding.amount,
                                   wallets: holding.wallets.map { WalletAmount(wallet: $0.wallet, amount: $0.total) })
        }
    }

    /// What identifies the market data the quotes came from: each exchange's last read, successful or not
    /// (quotes and their fetch record are written in one transaction, so equal versions mean equal quotes; a
    /// failed read changes the version too, so what is shown about the market data is never older than a run).
    var quotesVersion: String { Self.version(of: fetches) }

    /// The quotes version of `fetches`.
    static func version(of fetches: [String: QuoteStore.Fetch]) -> String {
        fetches.keys.sorted().map { exchange in
            let fetch = fetches[exchange]
            return "\(exchange)=\(fetch?.succeededAt ?? "")/\(fetch?.attemptedAt ?? "")/\(fetch?.errorCode ?? "")"
        }.joined(separator: ";")
    }

    /// The freshness of each connection at `now`, by connection id.
    func freshness(at now: Date) -> [String: ConnectionFreshness] {
        Dictionary(connections.map { ($0.id, ConnectionFreshness.of($0, at: now)) }, uniquingKeysWith: { first, _ in first })
    }
}
