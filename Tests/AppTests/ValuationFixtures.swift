import Foundation
@testable import App

/// Quotes and holdings for the valuation tests, relative to one fixed instant.
enum ValuationFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A quote `age` seconds old (one minute unless said).
    static func quote(
        _ exchange: String, _ market: String, _ base: String, _ quote: String, _ price: String,
        age: TimeInterval = 60
    ) -> PriceQuote {
        PriceQuote(exchange: exchange, market: market, base: base, quote: quote, price: price,
                   asOf: now.addingTimeInterval(-age))
    }

    static func holding(
        _ connection: String, _ exchange: String, _ asset: String, _ quantity: String,
        wallets: [(String, String)] = []
    ) -> HoldingPosition {
        HoldingPosition(connectionID: connection, exchange: exchange, asset: asset, quantity: quantity,
                        wallets: wallets.map { WalletAmount(wallet: $0.0, amount: $0.1) })
    }

    /// Values `holdings` against a book of `quotes` at `now`.
    static func value(
        _ holdings: [HoldingPosition], _ quotes: [PriceQuote], in currency: ValuationCurrency = .usd,
        staleLimit: TimeInterval = Valuation.defaultStaleLimit
    ) -> PortfolioValuation {
        Valuation.value(holdings: holdings, book: PriceBook(quotes: quotes), currency: currency, now: now,
                        staleLimit: staleLimit)
    }
}

extension PortfolioValuation {
    /// The asset's line; nil when it is not in the valuation.
    func asset(_ id: String) -> AssetValuation? { assets.first { $0.asset == id } }
}
