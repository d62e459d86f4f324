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

    /// `GET /api/v1/portfolios`: both lists are read in ONE `database.read`, so the holdings belong to the same
    /// commit as the portfolios (a sync committing in between cannot make a total disagree with its parts).
    static func list(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let (portfolios, holdings) = try app.database.read { db in
            (try HoldingStore.portfolios(ofUser: session.userID, in: db),
             try HoldingStore.holdings(ofUser: session.userID, in: db))
        }
        return .json(body(portfolios: portfolios, holdings: holdings))
    }

    /// The response for `portfolios` and their `holdings`: each portfolio with its holdings (by asset), and one
    /// total per asset across them, summed exactly from the stored decimal strings.
    static func body(portfolios: [HoldingStore.Portfolio], holdings: [HoldingStore.Holding]) -> Body {
        var byPortfolio: [String: [HoldingView]] = [:]
        var amountsByAsset: [String: [String]] = [:]
        for holding in holdings {
            byPortfolio[holding.portfolioID, default: []].append(
                HoldingView(asset: holding.asset, amount: holding.amount, wallets: holding.wallets.map(WalletView.init)))
            amountsByAsset[holding.asset, default: []].append(holding.amount)
        }
        let views = portfolios.map { portfolio in
            PortfolioView(id: portfolio.id, name: portfolio.name, connectionId: portfolio.connectionID,
                          exchange: portfolio.exchange, holdings: byPortfolio[portfolio.id] ?? [])
        }
        // An unparseable amount would be a bug upstream, shown as-is rather than hidden.
        let totals = amountsByAsset.keys.sorted().map { asset in
            let amounts = amountsByAsset[asset] ?? []
            return AmountView(asset: asset, amount: DecimalString.sum(amounts) ?? amounts.joined(separator: "+"))
        }
        return Body(portfolios: views, totals: totals)
    }
}
