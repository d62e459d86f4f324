import Exchanges
import Foundation
import Store

/// One year of history for one user, written through the history stores and thinned as the timer thins it, for
/// `holdfast-bench history-size` (Benchmarks/history-size.sh; issue 13: "One year for a user with 20 connections
/// fits in ≤ 50 MB", "`GET /portfolio/history` for one year at `1h`: ≤ 20 ms server time"). A benchmark, not a
/// test: it prints figures and asserts nothing.
///
/// The timeline: 20 connections holding 3 of 60 assets each, whose amounts change every hour (a sync every 5
/// minutes would leave one snapshot an hour: the 11 unchanged syncs of each hour write nothing, so they are
/// skipped); a value point and a price of each of the 60 assets every 5 minutes. After each simulated hour the
/// timer's thinning runs (bounded passes of `thinLimit` rows) until it has nothing left to do, as a timer running
/// every minute keeps up.
public struct HistorySizeBenchmark: Sendable {
    /// The database to write (a fresh, migrated one: the figures count everything in it).
    public let database: Database
    /// Days of history to write, ending now.
    public let days: Int
    /// Rows a thinning pass may change per table.
    public let thinLimit: Int

    static let connections = 20
    static let assets = 60

    /// A benchmark of `days` days into `database`.
    public init(database: Database, days: Int = 365, thinLimit: Int = 1_000) {
        self.database = database
        self.days = days
        self.thinLimit = thinLimit
    }

    /// Writes the year for the user `userID` (who must exist) and returns the figures as printable lines: rows per
    /// table and the median of 20 timed reads of the whole span at `1h`.
    public func run(userID: String) throws -> [String] {
        let end = HistoryResolution.hour.bucketStart(of: Date())
        let start = end.addingTimeInterval(-TimeInterval(days) * 86_400)
        let connectionIDs = (0..<Self.connections).map { _ in UUIDs.make() }
        let exchanges = ["binance", "kraken", "coinbase", "bybit", "okx"]
        let began = ContinuousClock.now
        for hour in 0..<(days * 24) {
            let hourStart = start.addingTimeInterval(TimeInterval(hour) * 3_600)
            try database.write { db in
                for (index, connection) in connectionIDs.enumerated() {
                    let balances = (0..<3).map { slot in
                        let amount = "\(index * 3 + slot + 1).\(String(format: "%04d", (hour * 7 + slot) % 10_000))"
                        return Balance(asset: "A\(index * 3 + slot)", free: amount, locked: "0", total: amount)
                    }
                    try SnapshotStore.record(connectionID: connection, userID: userID, exchange: exchanges[index % exchanges.count],
                                             balances: balances, at: hourStart.addingTimeInterval(60), in: db)
                }
                for tick in 0..<12 {
                    let at = hourStart.addingTimeInterval(TimeInterval(tick) * 300)
                    let step = hour * 12 + tick
                    try QuoteStore.record(prices: (0..<Self.assets).map { asset in
                        QuoteStore.AssetPrice(asset: "A\(asset)", currency: "USD", at: at,
                                              price: "\(asset + 1).\(String(format: "%06d", (step * 31 + asset) % 1_000_000))",
                                              source: "binance:A\(asset)USDT")
                    }, in: db)
                    var detail = ValuePointDetail()
                    for exchange in exchanges { detail.exchanges[exchange] = "\(1_000 + step % 500).25" }
                    try ValuePointStore.record(.init(at: at, currency: "USD", total: "\(5_000 + step % 2_000).25", complete: true,
                                                     detail: detail), forUser: userID, in: db)
                }
            }
            let now = hourStart.addingTimeInterval(3_600)
            var changed = 0
            repeat {
                let counts = try database.write { db in try Retention.thin(now: now, limit: thinLimit, in: db) }
                changed = counts.valuePoints.changed + counts.assetPrices.changed + counts.snapshots.changed
            } while changed > 0
        }
        let written = ContinuousClock.now - began
        var count = 0
        let median = try Self.median(of: 20) {
            count = try database.read { db in
                try ValuePointStore.points(ofUser: userID, from: end.addingTimeInterval(-365 * 86_400), to: end,
                                           resolution: .hour, in: db)
            }.count
        }
        let statement = try Self.median(of: 5) {
            _ = try database.read { db in try PortfolioStatement.make(forUser: userID, at: end, currency: "USD", in: db) }
        }
        // The quotes a timer run reads: 600 markets on each of 5 exchanges.
        try database.write { db in
            for exchange in exchanges {
                try QuoteStore.upsertQuotes((0..<600).map { market in
                    MarketQuote(market: "M\(market)USDT", base: "M\(market)", quote: "USDT", price: "1.\(market)", asOf: end,
                                raw: "{\"lastPrice\":\"1.\(market)\"}")
                }, of: exchange, fetchedAt: Timestamp.format(end), in: db)
            }
        }
        let quotes = try Self.median(of: 20) { _ = try database.read { db in try QuoteStore.quotes(in: db) } }
        let rows = try database.read { db in
            (points: try ValuePointStore.timeline(ofUser: userID, in: db).count,
             snapshots: try connectionIDs.reduce(0) { $0 + (try SnapshotStore.timeline(ofConnection: $1, in: db).count) },
             prices: try (0..<Self.assets).reduce(0) { $0 + (try QuoteStore.priceTimeline(of: "A\($1)", in: "USD", in: db).count) })
        }
        return [
            "history: \(days) days, 1 user, \(Self.connections) connections, \(Self.assets) assets, written and thinned in \(written)",
            "rows: value_points \(rows.points), quantity_snapshots \(rows.snapshots), asset_prices \(rows.prices)",
            "points(1 year, 1h): \(count) points, median of 20: \(String(format: "%.2f", Self.milliseconds(median))) ms",
            "statement at the end (20 connections): median of 5: \(String(format: "%.2f", Self.milliseconds(statement))) ms",
            "quotes (3,000 rows): median of 20: \(String(format: "%.2f", Self.milliseconds(quotes))) ms",
        ]
    }

    /// The median time of `runs` calls of `body`.
    static func median(of runs: Int, _ body: () throws -> Void) rethrows -> Duration {
        var timings: [Duration] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try body()
            timings.append(ContinuousClock.now - start)
        }
        return timings.sorted()[timings.count / 2]
    }

    /// `duration` in milliseconds, with fractions.
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
