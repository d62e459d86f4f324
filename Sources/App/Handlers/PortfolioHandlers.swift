import Exchanges
import Store
import Web

/// `GET /portfolios`: each connection's portfolio with its holdings, and one exact total per asset.
enum PortfolioHandlers {
    struct AmountView: Encodable {
        let asset: String
        let amount: String
    }

    /// One holding of a portfolio: the amount, and where on the exchange it sits (decimal strings).
    struct HoldingView: Encodable {
        let asset: String
        let amount: String
        let wallets: [WalletView]
    }

    struct PortfolioView: Encodable {
        let id: String
        let name: String
        let connectionId: String?
        let exchange: String?
        let holdings: [HoldingView]
    }

    struct Body: Encodable {
        let portfolios: [PortfolioView]
        let totals: [AmountView]
    }

    static func list(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let (portfolioRows, holdingRows, walletRows) = try app.database.read { db in
            (try db.query("""
                SELECT p.id, p.name, p.exchange_connection_id, c.exchange
                FROM portfolios p LEFT JOIN exchange_connections c ON c.id = p.exchange_connection_id
                WHERE p.user_id = ? ORDER BY p.created_at, p.id
                """, [.text(session.userID)]),
             try db.query("""
                SELECT h.id, h.portfolio_id, t.symbol, h.amount
                FROM holdings h JOIN tokens t ON t.id = h.token_id JOIN portfolios p ON p.id = h.portfolio_id
                WHERE p.user_id = ? ORDER BY t.symbol
                """, [.text(session.userID)]),
             try WalletView.byHolding(where: "p.user_id = ?", [.text(session.userID)], in: db))
        }
        var byPortfolio: [String: [HoldingView]] = [:]
        var amountsByAsset: [String: [String]] = [:]
        for row in holdingRows {
            guard let portfolio = row.string("portfolio_id"), let asset = row.string("symbol"), let amount = row.string("amount") else { continue }
            let wallets = row.int("id").flatMap { walletRows[$0] } ?? []
            byPortfolio[portfolio, default: []].append(HoldingView(asset: asset, amount: amount, wallets: wallets))
            amountsByAsset[asset, default: []].append(amount)
        }
        let portfolios = portfolioRows.compactMap { row -> PortfolioView? in
            guard let id = row.string("id") else { return nil }
            return PortfolioView(id: id, name: row.string("name") ?? "", connectionId: row.string("exchange_connection_id"),
                                 exchange: row.string("exchange"), holdings: byPortfolio[id] ?? [])
        }
        // Exact decimal sums of the stored strings; an unparseable amount would be a bug upstream, shown as-is.
        let totals = amountsByAsset.keys.sorted().map { asset in
            AmountView(asset: asset, amount: DecimalString.sum(amountsByAsset[asset]!) ?? amountsByAsset[asset]!.joined(separator: "+"))
        }
        return .json(Body(portfolios: portfolios, totals: totals))
    }
}
