import Exchanges
import Foundation
import Store
import Web

/// `GET /api/v1/portfolio`'s body: what the holdings are worth in the user's currency, with how complete that
/// is, per asset, exchange, connection and wallet, and how each exchange's market data is doing.
///
/// Values are decimal strings: `value`/`total` rounded half-even to the currency's display digits (2; JPY 0;
/// BTC 8), `valueExact`/`totalExact` exact; `price` is the exact unit price. An unknown value is null, never 0.
struct PortfolioValueView: Encodable, Sendable {
    struct CompletenessView: Encodable, Sendable {
        let complete: Bool
        let pricedCount: Int
        let staleCount: Int
        let unpricedCount: Int
        /// Percent of the total valued with stale quotes (2 decimals); null when the total is null or zero.
        @OrNull var stalePercent: String?
        /// Connections by freshness: current, stale (not synced lately), failed, paused.
        let connections: [String: Int]
    }

    struct AssetView: Encodable, Sendable {
        let asset: String
        let quantity: String
        @OrNull var price: String?
        @OrNull var value: String?
        @OrNull var valueExact: String?
        let status: PriceStatus
        /// Percent of the total (2 decimals).
        @OrNull var share: String?
        /// Where the price came from: `exchange:market` legs, `1/` for an inverted market, `×` between legs.
        @OrNull var source: String?
        let path: [String]
        @OrNull var asOf: String?
        let notes: [String]
    }

    struct SubtotalView: Encodable, Sendable {
        @OrNull var value: String?
        @OrNull var valueExact: String?
        let pricedCount: Int
        let staleCount: Int
        let unpricedCount: Int

        init(_ subtotal: ValueSubtotal) {
            value = subtotal.display
            valueExact = subtotal.value
            pricedCount = subtotal.pricedCount
            staleCount = subtotal.staleCount
            unpricedCount = subtotal.unpricedCount
        }
    }

    struct ExchangeView: Encodable, Sendable {
        let exchange: String
        let name: String
        let subtotal: SubtotalView
    }

    struct WalletView: Encodable, Sendable {
        let wallet: String
        let subtotal: SubtotalView
    }

    struct ConnectionValueView: Encodable, Sendable {
        let id: String
        let exchange: String
        let label: String
        let freshness: ConnectionFreshness
        @OrNull var lastSyncAt: String?
        let subtotal: SubtotalView
        /// Per wallet, when the connection's holdings sit in two or more.
        let wallets: [WalletView]
    }

    struct MarketView: Encodable, Sendable {
        let exchange: String
        /// When its market data was last read successfully (its quotes' age).
        @OrNull var succeededAt: String?
        let attemptedAt: String
        /// The error of the last attempt; null when it succeeded.
        @OrNull var errorCode: String?
    }

    let currency: String
    let valuedAt: String
    /// The oldest quote the total uses.
    @OrNull var asOf: String?
    @OrNull var total: String?
    @OrNull var totalExact: String?
    let pricedCount: Int
    let staleCount: Int
    let unpricedCount: Int
    /// Quotes older than this many seconds make a value `stale`.
    let staleLimitSeconds: Int
    let completeness: CompletenessView
    let assets: [AssetView]
    let exchanges: [ExchangeView]
    let connections: [ConnectionValueView]
    let markets: [MarketView]

    init(_ valuation: PortfolioValuation, inputs: PortfolioInputs, now: Date) {
        let freshness = inputs.freshness(at: now)
        currency = valuation.currency.code
        valuedAt = Timestamp.format(valuation.valuedAt)
        asOf = valuation.asOf.map(Timestamp.format)
        total = valuation.totalDisplay
        totalExact = valuation.total
        pricedCount = valuation.pricedCount
        staleCount = valuation.staleCount
        unpricedCount = valuation.unpricedCount
        staleLimitSeconds = Int(Valuation.defaultStaleLimit)
        var byFreshness = Dictionary(uniqueKeysWithValues: [ConnectionFreshness.current, .stale, .failed, .paused].map { ($0.rawValue, 0) })
        for state in freshness.values { byFreshness[state.rawValue, default: 0] += 1 }
        completeness = CompletenessView(
            complete: valuation.completeness.complete && byFreshness.filter { $0.key != ConnectionFreshness.current.rawValue }.values.allSatisfy { $0 == 0 },
            pricedCount: valuation.pricedCount, staleCount: valuation.staleCount, unpricedCount: valuation.unpricedCount,
            stalePercent: valuation.completeness.stalePercent, connections: byFreshness)
        assets = valuation.assets.map { asset in
            AssetView(asset: asset.asset, quantity: asset.quantity, price: asset.unitPrice, value: asset.display,
                      valueExact: asset.value, status: asset.status, share: asset.share, source: asset.source,
                      path: asset.path, asOf: asset.asOf.map(Timestamp.format), notes: asset.notes)
        }
        exchanges = valuation.exchanges.map { exchange in
            ExchangeView(exchange: exchange.exchange,
                         name: ExchangeID(rawValue: exchange.exchange)?.info.displayName ?? exchange.exchange,
                         subtotal: SubtotalView(exchange.subtotal))
        }
        let subtotals = Dictionary(valuation.connections.map { ($0.connectionID, $0) }, uniquingKeysWith: { first, _ in first })
        connections = inputs.connections.map { record in
            let subtotal = subtotals[record.id]
            return ConnectionValueView(
                id: record.id, exchange: record.exchange,
                label: record.label ?? record.exchangeID?.info.displayName ?? record.exchange,
                freshness: freshness[record.id] ?? .stale, lastSyncAt: record.lastSyncAt,
                subtotal: SubtotalView(subtotal?.subtotal ?? ValueSubtotal(value: nil, display: nil, pricedCount: 0,
                                                                            staleCount: 0, unpricedCount: 0)),
                wallets: (subtotal?.wallets ?? []).map { WalletView(wallet: $0.wallet, subtotal: SubtotalView($0.subtotal)) })
        }
        markets = inputs.fetches.keys.sorted().compactMap { exchange in
            inputs.fetches[exchange].map {
                MarketView(exchange: exchange, succeededAt: $0.succeededAt, attemptedAt: $0.attemptedAt, errorCode: $0.errorCode)
            }
        }
    }
}
