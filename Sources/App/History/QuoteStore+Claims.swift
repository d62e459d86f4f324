import Foundation
import Store

/// Which timer reads an exchange's market data this minute: with several timers (issue 12) each would otherwise
/// read every exchange every run, spending the exchange's public request budget several times over.
extension QuoteStore {
    /// Claims the market data read of `exchange` at `now` unless one was tried less than `interval` seconds
    /// before: sets `market_fetches.attempted_at` in one statement and returns whether this caller got it. Two
    /// timers racing both run the statement; the row's lock makes the second see the first's `attempted_at` and
    /// change nothing.
    static func claimFetch(of exchange: String, at now: Date, interval: TimeInterval, in db: Connection) throws -> Bool {
        let cutoff = Timestamp.format(now.addingTimeInterval(-interval))
        return try db.run("""
            INSERT INTO market_fetches (exchange, attempted_at) VALUES (?, ?)
            ON CONFLICT (exchange) DO UPDATE SET attempted_at = excluded.attempted_at
            WHERE market_fetches.attempted_at <= ?
            """, [.text(exchange), .text(Timestamp.format(now)), .text(cutoff)]) > 0
    }

    /// The asset prices recorded at or after `since` (`5m` rows), as "asset|currency" keys: the timer records an
    /// asset's price in a currency when it has none this recent, so a newly held asset has a price from its
    /// first run while the others keep one every `ValuePointStore.minimumSpacing`. Walks the
    /// `asset_prices_thinning` index over the recent rows only.
    static func recentlyPriced(since: Date, in db: Connection) throws -> Set<String> {
        Set(try db.query("SELECT asset, currency FROM asset_prices WHERE resolution = '5m' AND at >= ?",
                         [.text(Timestamp.format(since))]).compactMap { row in
            guard let asset = row.string("asset"), let currency = row.string("currency") else { return nil }
            return asset + "|" + currency
        })
    }
}
