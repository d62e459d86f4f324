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

    /// When asset prices were last recorded (the latest `5m` row), or nil: the timer records them at most every
    /// `ValuePointStore.minimumSpacing`, for every held asset at once.
    static func latestPriceRecording(in db: Connection) throws -> Date? {
        try db.queryOne("SELECT max(at) AS at FROM asset_prices WHERE resolution = '5m'")?.string("at")
            .flatMap(StoredInstant.date)
    }
}
