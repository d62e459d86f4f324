import Foundation
import Logging
import Store

/// The timer's history step (issue 13, "History"): after the syncs and the market data, each user whose last
/// value point is 5 minutes old or more gets a new one (total, per-exchange subtotals, `complete` or partial
/// with the stale, failed and paused connections); every held asset's unit price in every valuation currency in
/// use is recorded at most every 5 minutes (statements value past instants with them); then one bounded
/// retention pass thins old points and prices.
struct ValueRecorder: Sendable {
    let database: Database
    let logger: Logger
    /// Users valued per run at most (the longest-waiting first): bounds a run on a large instance; the rest are
    /// valued by the next runs.
    var usersPerRun = 2_000
    /// Rows each retention pass may change per table.
    var thinningLimit = 2_000

    /// What one run recorded.
    struct Report: Sendable, Equatable {
        var points = 0
        var prices = 0
        var thinned = 0
    }

    /// Records what is due at `now`. Throws only when the database cannot be read or written at all.
    func run(now: Date = Date()) async throws -> Report {
        let (users, latest, quotes, held) = try await database.read { db in
            (try UserStore.currencies(in: db), try ValuePointStore.latestPoints(in: db), try QuoteStore.quotes(in: db),
             try HoldingStore.assetsHeld(in: db))
        }
        let book = PriceBook(quotes: quotes.map(PriceBookCache.priceQuote))
        let due = users.filter { user in latest[user.userID].map { now.timeIntervalSince($0) >= ValuePointStore.minimumSpacing } ?? true }
            .sorted { (latest[$0.userID] ?? .distantPast) < (latest[$1.userID] ?? .distantPast) }
            .prefix(usersPerRun)
        var report = Report()
        for user in due {
            let inputs = try await database.read { db in try PortfolioInputs.read(forUser: user.userID, in: db, now: now) }
            // A user with no connection has nothing to chart yet.
            guard !inputs.connections.isEmpty else { continue }
            let point = Self.point(of: inputs, book: book, at: now)
            if try await database.write({ db in try ValuePointStore.record(point, forUser: user.userID, in: db) }) {
                report.points += 1
            }
        }
        let currencies = Set(users.compactMap { ValuationCurrency(code: $0.currency) })
        report.prices = try await recordPrices(of: held, in: currencies, book: book, at: now)
        let thinned = try await database.write { db in try Retention.thin(now: now, limit: thinningLimit, in: db) }
        report.thinned = thinned.valuePoints.changed + thinned.assetPrices.changed + thinned.snapshots.changed
        return report
    }

    /// The value point of `inputs` at `now`: the valuation's exact total and per-exchange subtotals, complete
    /// only when every asset is priced and every connection current.
    static func point(of inputs: PortfolioInputs, book: PriceBook, at now: Date) -> ValuePointStore.NewPoint {
        let valuation = Valuation.value(holdings: inputs.holdings, book: book, currency: inputs.currency, now: now)
        let freshness = inputs.freshness(at: now)
        var detail = ValuePointDetail()
        for exchange in valuation.exchanges {
            if let value = exchange.subtotal.value { detail.exchanges[exchange.exchange] = value }
        }
        for (id, state) in freshness.sorted(by: { $0.key < $1.key }) {
            switch state {
            case .current: break
            case .stale: detail.stale.append(id)
            case .failed: detail.failed.append(id)
            case .paused: detail.paused.append(id)
            }
        }
        detail.unpricedCount = valuation.unpricedCount
        detail.staleCount = valuation.staleCount
        let complete = valuation.completeness.complete && detail.stale.isEmpty && detail.failed.isEmpty && detail.paused.isEmpty
        return ValuePointStore.NewPoint(at: now, currency: inputs.currency.code, total: valuation.total,
                                        complete: complete, detail: detail)
    }

    /// Records the unit price of every held asset in every valuation currency in use, for each pair without a
    /// price in the last `ValuePointStore.minimumSpacing`; returns how many prices were recorded.
    private func recordPrices(of assets: [String], in currencies: Set<ValuationCurrency>, book: PriceBook,
                              at now: Date) async throws -> Int {
        let recent = try await database.read { db in
            try QuoteStore.recentlyPriced(since: now.addingTimeInterval(-ValuePointStore.minimumSpacing), in: db)
        }
        var prices: [QuoteStore.AssetPrice] = []
        for currency in currencies.sorted(by: { $0.code < $1.code }) {
            for asset in assets where !recent.contains(asset + "|" + currency.code) {
                // A stale price is still the best the history has; an unpriced asset records nothing.
                guard let unit = book.unitPrice(of: asset, in: currency, preferring: nil) else { continue }
                prices.append(QuoteStore.AssetPrice(asset: asset, currency: currency.code, at: now, price: unit.price,
                                                    source: unit.source))
            }
        }
        guard !prices.isEmpty else { return 0 }
        let recorded = prices
        try await database.write { db in try QuoteStore.record(prices: recorded, in: db) }
        return recorded.count
    }
}
