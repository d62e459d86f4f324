import Exchanges
import Foundation
import Store
import Web

/// `GET /api/v1/portfolio/statement` and `GET /api/v1/portfolio/export` (issue 13): what was held and worth at
/// an instant (year-end tax snapshots), and today's holdings with their values, as JSON or CSV.
enum PortfolioStatementHandlers {
    struct StatementLineView: Encodable {
        let asset: String
        let quantity: String
        @OrNull var price: String?
        @OrNull var value: String?
        @OrNull var valueExact: String?
        let status: String
        @OrNull var priceSource: String?
        @OrNull var pricedAt: String?
    }

    struct StatementConnectionView: Encodable {
        let id: String
        let exchange: String
        let label: String
        /// When the quantities were taken (the last snapshot at or before `at`).
        let snapshotAt: String
        let lines: [StatementLineView]
    }

    struct StatementBody: Encodable {
        let at: String
        let currency: String
        /// Sum of the priced lines' values; null when no line is priced.
        @OrNull var total: String?
        @OrNull var totalExact: String?
        let unpricedCount: Int
        let connections: [StatementConnectionView]
    }

    /// `GET /portfolio/statement?at=&format=json|csv`: quantities from the snapshots in effect at `at`, valued
    /// with the prices the history recorded then (else `unpriced`). `at` is required (422 when absent,
    /// unparseable or in the future), as is a known `format`.
    static func statement(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                          _ session: AuthenticatedSession) throws -> Response {
        var problems: [String: String] = [:]
        let at = PortfolioHistoryHandlers.instant(request.queryItems["at"], field: "at", default: .distantPast, problems: &problems)
        if request.queryItems["at"] == nil { problems["at"] = "is required: an ISO 8601 instant or a date" }
        // The history knows nothing after now: a future instant would show today's quantities, unpriced.
        if problems.isEmpty, at > Date() { problems["at"] = "must not be in the future" }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let format = try PortfolioHistoryHandlers.format(request)
        let statement = try app.database.read { db in
            let currency = try UserStore.currency(ofUser: session.userID, in: db) ?? ValuationCurrency.default.code
            return try PortfolioStatement.make(forUser: session.userID, at: at, currency: currency, in: db)
        }
        if format == "csv" {
            return PortfolioHistoryHandlers.csv(csv(statement), filename: "holdfast-statement-\(Timestamp.format(at).prefix(10)).csv")
        }
        return .json(body(statement))
    }

    static func body(_ statement: PortfolioStatement) -> StatementBody {
        let digits = ValuationCurrency(code: statement.currency)?.displayFractionDigits ?? 2
        let lines = statement.connections.flatMap(\.lines)
        let total = DecimalString.sum(lines.compactMap(\.value))
        return StatementBody(
            at: Timestamp.format(statement.at), currency: statement.currency,
            total: lines.contains { $0.value != nil } ? total.flatMap { DecimalString.fixed($0, fractionDigits: digits) } : nil,
            totalExact: lines.contains { $0.value != nil } ? total : nil,
            unpricedCount: lines.filter { $0.status == .unpriced }.count,
            connections: statement.connections.map { part in
                StatementConnectionView(id: part.connectionID, exchange: part.exchange, label: part.label,
                                        snapshotAt: Timestamp.format(part.snapshotAt), lines: part.lines.map { line in
                    StatementLineView(asset: line.asset, quantity: line.quantity, price: line.unitPrice,
                                      value: line.value.flatMap { DecimalString.fixed($0, fractionDigits: digits) },
                                      valueExact: line.value, status: line.status.rawValue, priceSource: line.priceSource,
                                      pricedAt: line.pricedAt.map(Timestamp.format))
                })
            })
    }

    static let statementHeader = ["at", "currency", "connection_id", "connection", "exchange", "snapshot_at", "asset",
                                  "quantity", "price", "value", "status", "price_source", "priced_at"]

    /// One row per connection and asset; empty cells for unknown prices and values (never 0).
    static func csv(_ statement: PortfolioStatement) -> [UInt8] {
        let at = Timestamp.format(statement.at)
        let rows = statement.connections.flatMap { part in
            part.lines.map { line in
                [at, statement.currency, part.connectionID, part.label, part.exchange, Timestamp.format(part.snapshotAt),
                 line.asset, line.quantity, line.unitPrice ?? "", line.value ?? "", line.status.rawValue,
                 line.priceSource ?? "", line.pricedAt.map(Timestamp.format) ?? ""]
            }
        }
        return CSVExport.document(header: statementHeader, rows: rows)
    }

    struct ExportRow: Encodable {
        let connectionId: String
        let connection: String
        let exchange: String
        let asset: String
        let quantity: String
        @OrNull var price: String?
        @OrNull var value: String?
        @OrNull var valueExact: String?
        let status: PriceStatus
        @OrNull var source: String?
        @OrNull var asOf: String?
    }

    struct ExportBody: Encodable {
        let currency: String
        let valuedAt: String
        @OrNull var total: String?
        @OrNull var totalExact: String?
        let holdings: [ExportRow]
    }

    /// `GET /portfolio/export?format=csv|json` (default csv): today's holdings, one row per connection and asset,
    /// with unit price and value in the user's currency.
    static func export(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                       _ session: AuthenticatedSession) throws -> Response {
        let format = request.queryItems["format"] ?? "csv"
        guard format == "json" || format == "csv" else { throw APIError.validation(["format": "must be csv or json"]) }
        let (valuation, inputs) = try PortfolioValueHandlers.valuation(ofUser: session.userID, app: app)
        let rows = exportRows(valuation, inputs: inputs)
        if format == "json" {
            return .json(ExportBody(currency: valuation.currency.code, valuedAt: Timestamp.format(valuation.valuedAt),
                                    total: valuation.totalDisplay, totalExact: valuation.total, holdings: rows))
        }
        let header = ["connection_id", "connection", "exchange", "asset", "quantity", "price", "value", "currency",
                      "status", "source", "as_of"]
        let lines = rows.map { row in
            [row.connectionId, row.connection, row.exchange, row.asset, row.quantity, row.price ?? "", row.valueExact ?? "",
             valuation.currency.code, row.status.rawValue, row.source ?? "", row.asOf ?? ""]
        }
        return PortfolioHistoryHandlers.csv(CSVExport.document(header: header, rows: lines),
                                            filename: "holdfast-holdings-\(Timestamp.format(valuation.valuedAt).prefix(10)).csv")
    }

    static func exportRows(_ valuation: PortfolioValuation, inputs: PortfolioInputs) -> [ExportRow] {
        let labels = Dictionary(inputs.connections.map { ($0.id, $0.label ?? $0.exchangeID?.info.displayName ?? $0.exchange) },
                                uniquingKeysWith: { first, _ in first })
        return valuation.holdings.map { row in
            ExportRow(connectionId: row.holding.connectionID, connection: labels[row.holding.connectionID] ?? row.holding.exchange,
                      exchange: row.holding.exchange, asset: row.holding.asset, quantity: row.holding.quantity,
                      price: row.price?.price, value: row.display, valueExact: row.value, status: row.status,
                      source: row.price?.source, asOf: row.price?.asOf.map(Timestamp.format))
        }
    }
}
