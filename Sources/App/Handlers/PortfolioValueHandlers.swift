import Foundation
import Store
import Web

/// `GET /api/v1/portfolio` and `GET /api/v1/portfolio/export`: what the holdings are worth now (issue 13).
enum PortfolioValueHandlers {
    /// `GET /api/v1/portfolio`: the valuation in the user's currency (`PortfolioValueView`). The body is kept
    /// per user while nothing it depends on changed (`PortfolioResponseCache`); holdings, connections and the
    /// currency are read in one transaction.
    static func portfolio(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                          _ session: AuthenticatedSession) throws -> Response {
        let now = Date()
        let body = try app.database.read { db -> [UInt8] in
            let currency = try UserStore.currency(ofUser: session.userID, in: db)
            let fetches = try QuoteStore.fetches(in: db)
            let version = PortfolioInputs.version(of: fetches)
            let fingerprint = [currency ?? "", version, try ConnectionStore.versions(ofUser: session.userID, in: db)]
                .joined(separator: "\n")
            if let cached = app.portfolioBodies.body(forUser: session.userID, fingerprint: fingerprint, at: now) { return cached }
            let inputs = try PortfolioInputs.read(forUser: session.userID, in: db, now: now, currency: currency,
                                                  fetches: fetches)
            let book = try app.priceBooks.book(version: version) { try QuoteStore.quotes(in: db) }
            let valuation = Valuation.value(holdings: inputs.holdings, book: book, currency: inputs.currency, now: now)
            let body = try CompactJSONEncoder.encode(PortfolioValueView(valuation, inputs: inputs, now: now))
            app.portfolioBodies.store(body, forUser: session.userID, fingerprint: fingerprint,
                                      validUntil: PortfolioResponseCache.validUntil(valuation, inputs: inputs, now: now))
            return body
        }
        return Response(status: 200, headers: [("Content-Type", "application/json")], body: body)
    }

    /// The current valuation of `userID` (the export, the CLI): read and valued afresh.
    static func valuation(ofUser userID: String, app: Application, now: Date = Date()) throws -> (PortfolioValuation, PortfolioInputs) {
        try app.database.read { db in
            let inputs = try PortfolioInputs.read(forUser: userID, in: db, now: now)
            let book = try app.priceBooks.book(version: inputs.quotesVersion) { try QuoteStore.quotes(in: db) }
            return (Valuation.value(holdings: inputs.holdings, book: book, currency: inputs.currency, now: now), inputs)
        }
    }
}
