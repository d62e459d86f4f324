import Exchanges
import Foundation
import Store
import Web

/// The feed files for importing by hand: `GET /feeds/ghostfolio/export` (Ghostfolio's import JSON) and
/// `GET /feeds/wealthfolio.csv` (Wealthfolio's holdings CSV). Both are what the connections hold now, valued with
/// Holdfast's own prices, in USD.
enum FeedExportHandlers {
    /// Everything an export needs, read in one transaction: the connections, their holdings, the push states (for
    /// the Ghostfolio account ids) and the price book.
    struct Inputs {
        let connections: [ConnectionRecord]
        let holdings: [HoldingPosition]
        let pushes: [String: FeedStore.Push]
        let book: PriceBook
    }

    static func inputs(ofUser userID: String, app: Application) throws -> Inputs {
        try app.database.read { db in
            let inputs = try PortfolioInputs.read(forUser: userID, in: db)
            let book = try app.priceBooks.book(version: inputs.quotesVersion) { try QuoteStore.quotes(in: db) }
            return Inputs(connections: inputs.connections, holdings: inputs.holdings,
                          pushes: try FeedStore.pushes(ofUser: userID, in: db), book: book)
        }
    }

    /// The Ghostfolio account name of `connection`: "Holdfast · Binance (main)".
    static func accountName(of connection: ConnectionRecord) -> String {
        let exchange = connection.exchangeID?.info.displayName ?? connection.exchange
        guard let label = connection.label, !label.isEmpty, label != exchange else { return "Holdfast · " + exchange }
        return "Holdfast · \(exchange) (\(label))"
    }

    /// `GET /api/v1/feeds/ghostfolio/export`: one account per connection (the id the feed uses, so importing the
    /// file and pushing do not make two) with its cash balance, and a BUY of each priced coin's whole quantity at
    /// today's price. An unpriced coin is left out (no price is never sent as 0).
    static func ghostfolio(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                           _ session: AuthenticatedSession) throws -> Response {
        let inputs = try inputs(ofUser: session.userID, app: app)
        let now = Date()
        let feeds = FeedHoldings.build(holdings: inputs.holdings,
                                       connectionIDs: inputs.connections.map { ($0.id, $0.exchange) }, book: inputs.book)
        var accounts: [GhostfolioImportDocument.Account] = []
        var batches: [GhostfolioBatch] = []
        let stamp = Timestamp.format(now).filter(\.isNumber).prefix(14)
        for (connection, holdings) in zip(inputs.connections, feeds) {
            let accountID = inputs.pushes[connection.id]?.accountID ?? connection.id
            accounts.append(.init(id: accountID, name: accountName(of: connection), balance: holdings.cashBalance ?? "0"))
            batches.append(GhostfolioBatch.make(id: "export-\(stamp)", date: Timestamp.format(now), accountID: accountID,
                                                createAccountNamed: nil, holdings: holdings, pushed: [:],
                                                pushedCash: nil, prices: [:]))
        }
        let filename = "holdfast-ghostfolio-\(Timestamp.format(now).prefix(10)).json"
        return Response(status: 200, headers: [("Content-Type", "application/json"),
                                               ("Content-Disposition", "attachment; filename=\"\(filename)\"")],
                        body: GhostfolioImportDocument.body(accounts: accounts, batches: batches))
    }

    /// The header of Wealthfolio's holdings import (`HoldingsFormat` in afadil/wealthfolio
    /// apps/frontend/src/pages/activity/import/steps/holdings-mapping-step.tsx; its sample
    /// apps/frontend/public/sample-holdings-import.csv): date (YYYY-MM-DD), symbol, quantity, price (optional),
    /// currency (optional). `$CASH` is the reserved symbol of a cash balance, one row per currency with the
    /// amount as quantity and no price (holdings-import-utils.ts `CASH_SYMBOL`).
    static let wealthfolioHeader = ["date", "symbol", "quantity", "price", "currency"]

    /// `GET /api/v1/feeds/wealthfolio.csv[?connection=ID]`: one snapshot row per asset at today's date. Fiat is a
    /// `$CASH` row in its own currency; every other asset (stablecoins too: Wealthfolio prices them as any coin) is
    /// a Yahoo Finance pair `ASSET-USD` with Holdfast's USD price (empty when unpriced). Combined, a symbol held on
    /// several connections is one row with the summed quantity.
    static func wealthfolio(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                            _ session: AuthenticatedSession) throws -> Response {
        let only = request.queryItems["connection"]
        let inputs = try inputs(ofUser: session.userID, app: app)
        if let only, !inputs.connections.contains(where: { $0.id == only.lowercased() }) { throw APIError.notFound }
        let chosen = inputs.holdings.filter { only == nil || $0.connectionID == only?.lowercased() }
        let exchange = only.flatMap { id in inputs.connections.first { $0.id == id.lowercased() }?.exchange }
        var quantities: [String: [String]] = [:]
        for holding in chosen {
            guard let quantity = DecimalString.canonical(holding.quantity), !quantity.hasPrefix("-"), quantity != "0" else { continue }
            quantities[holding.asset, default: []].append(quantity)
        }
        let date = String(Timestamp.now().prefix(10))
        var rows: [[String]] = []
        var cash: [[String]] = []
        for asset in quantities.keys.sorted() {
            guard let quantity = DecimalString.sum(quantities[asset] ?? []) else { continue }
            if GhostfolioSymbols.fiat.contains(asset) {
                cash.append([date, "$CASH", quantity, "", asset])
                continue
            }
            let price = inputs.book.unitPrice(of: asset, in: .usd, preferring: exchange)
                .flatMap { DecimalString.rounded($0.price, fractionDigits: FeedHoldings.priceFractionDigits) }
            rows.append([date, GhostfolioSymbols.wealthfolioSymbol(of: asset, currency: FeedHoldings.currency), quantity,
                         price ?? "", FeedHoldings.currency])
        }
        let suffix = only.map { "-" + $0.prefix(8) } ?? ""
        return PortfolioHistoryHandlers.csv(CSVExport.document(header: wealthfolioHeader, rows: rows + cash),
                                            filename: "holdfast-wealthfolio-\(date)\(suffix).csv")
    }
}
