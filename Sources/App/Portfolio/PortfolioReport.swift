import Foundation
import Store

/// What `holdfast portfolio` and `holdfast statement` print: the current value of one user's holdings (or a
/// line per user), and a statement as of an instant as a table or CSV. Read-only; amounts stay exact until the
/// display rounding of the user's currency.
public enum PortfolioReport {
    /// A report that cannot be made: the user or the instant named does not exist or parse.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// `holdfast portfolio [--user EMAIL]`: with a user, their total and one line per asset; without, one line
    /// per user (email, currency, total, complete or partial).
    public static func current(email: String?, in database: Database, now: Date = Date()) throws -> String {
        try database.read { db in
            let book = PriceBook(quotes: try QuoteStore.quotes(in: db).map(PriceBookCache.priceQuote))
            guard let email else {
                let users = try UserStore.list(in: db)
                guard !users.isEmpty else { return "no users" }
                return try users.map { user in
                    let inputs = try PortfolioInputs.read(forUser: user.id, in: db, now: now)
                    let valuation = Valuation.value(holdings: inputs.holdings, book: book, currency: inputs.currency, now: now)
                    return "\(user.email)  \(valuation.totalDisplay ?? "unknown") \(inputs.currency.code)  "
                        + summary(valuation)
                }.joined(separator: "\n")
            }
            guard let user = try UserStore.find(email: email, in: db) else { throw Refusal(description: "no user \(email)") }
            let inputs = try PortfolioInputs.read(forUser: user.id, in: db, now: now)
            let valuation = Valuation.value(holdings: inputs.holdings, book: book, currency: inputs.currency, now: now)
            var lines = ["\(user.email): \(valuation.totalDisplay ?? "unknown") \(inputs.currency.code) (\(summary(valuation)))"]
            lines.append(columns(["asset", "quantity", "price", "value", "share %", "status", "source"]))
            for asset in valuation.assets {
                lines.append(columns([asset.asset, asset.quantity, asset.unitPrice ?? "-", asset.display ?? "-",
                                      asset.share ?? "-", asset.status.rawValue, asset.source ?? "-"]))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// `holdfast statement --user EMAIL --at TIME [--format csv]`: quantities and values as of `at`
    /// (`InstantText`: ISO 8601 or a date), in the user's currency.
    public static func statement(email: String, at text: String, csv: Bool, in database: Database) throws -> String {
        guard let at = InstantText.parse(text) else {
            throw Refusal(description: "--at must be an ISO 8601 instant (2026-12-31T23:59:59Z) or a date (2027-01-01, its UTC midnight)")
        }
        guard at <= Date() else { throw Refusal(description: "--at must not be in the future: the history ends now") }
        let statement = try database.read { db in
            guard let user = try UserStore.find(email: email, in: db) else { throw Refusal(description: "no user \(email)") }
            return try PortfolioStatement.make(forUser: user.id, at: at, currency: user.currency, in: db)
        }
        if csv { return String(decoding: PortfolioStatementHandlers.csv(statement), as: UTF8.self) }
        let body = PortfolioStatementHandlers.body(statement)
        var lines = ["statement of \(email) as of \(body.at): \(body.total ?? "unknown") \(body.currency)"
                     + (body.unpricedCount > 0 ? " (\(body.unpricedCount) line(s) unpriced)" : "")]
        for connection in body.connections {
            lines.append("\(connection.label) [\(connection.exchange)], quantities of \(connection.snapshotAt)")
            for line in connection.lines {
                lines.append("  " + columns([line.asset, line.quantity, line.price ?? "-", line.value ?? "-", line.status]))
            }
        }
        if body.connections.isEmpty { lines.append("no snapshot at or before that instant") }
        return lines.joined(separator: "\n")
    }

    private static func summary(_ valuation: PortfolioValuation) -> String {
        valuation.completeness.complete ? "complete"
            : "\(valuation.staleCount) stale, \(valuation.unpricedCount) unpriced of \(valuation.assets.count) assets"
    }

    private static func columns(_ cells: [String]) -> String {
        cells.map { $0.padding(toLength: max(12, $0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
    }
}
